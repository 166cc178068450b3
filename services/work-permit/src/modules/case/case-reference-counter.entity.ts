import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last case reference number handed out in a year; locked and incremented by each filing. */
@Entity({ name: 'case_reference_counter' })
export class CaseReferenceCounterEntity {
  @PrimaryColumn({ type: 'integer' })
  year!: number;

  @Column({ name: 'last_value', type: 'integer' })
  lastValue!: number;
}
