import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OpeningHours } from './opening-hours.js';

export type { OpeningHours } from './opening-hours.js';

/** One of the 15 one-stop service counters. */
@Entity({ name: 'service_counter' })
export class ServiceCounterEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  district!: string;

  @Column({ type: 'text' })
  address!: string;

  @Column({ type: 'integer' })
  windows!: number;

  @Column({ name: 'opening_hours', type: 'jsonb' })
  openingHours!: OpeningHours[];

  @Column({ name: 'slot_minutes', type: 'integer' })
  slotMinutes!: number;

  @Column({ name: 'capacity_per_slot', type: 'integer' })
  capacityPerSlot!: number;
}
