import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A manager's exception to a counter's weekly hours on one date: a closure, or special hours (e.g. a Saturday opening). */
@Entity({ name: 'counter_hours_exception' })
export class CounterHoursExceptionEntity {
  @PrimaryColumn({ name: 'counter_id', type: 'text' })
  counterId!: string;

  /** YYYY-MM-DD, Asia/Shanghai. */
  @PrimaryColumn({ type: 'date' })
  date!: string;

  @Column({ type: 'boolean' })
  closed!: boolean;

  @Column({ type: 'text', nullable: true })
  opens!: string | null;

  @Column({ type: 'text', nullable: true })
  closes!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'updated_by', type: 'text' })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
