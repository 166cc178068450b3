import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The thresholds a MANAGER configures (one row, id 1; seeded with DEFAULT_SLA_THRESHOLDS). */
@Entity({ name: 'sla_thresholds' })
export class SlaThresholdsEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'counter_wait_minutes', type: 'integer' })
  counterWaitMinutes!: number;

  @Column({ name: 'passport_custody_working_days', type: 'integer' })
  passportCustodyWorkingDays!: number;

  @Column({ name: 'warning_percents', type: 'integer', array: true })
  warningPercents!: number[];

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt!: Date | null;

  @Column({ name: 'updated_by', type: 'text', nullable: true })
  updatedBy!: string | null;
}
