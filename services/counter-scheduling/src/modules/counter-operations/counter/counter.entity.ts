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

  /** The name in Simplified Chinese, shown by the dashboard's Chinese UI. */
  @Column({ name: 'name_zh', type: 'text' })
  nameZh!: string;

  @Column({ type: 'text' })
  district!: string;

  /** The district's official Chinese name (e.g. 朝阳区). */
  @Column({ name: 'district_zh', type: 'text' })
  districtZh!: string;

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

  /** WGS 84; null for a counter without a location (never suggested as the nearest). */
  @Column({ type: 'double precision', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude!: number | null;
}
