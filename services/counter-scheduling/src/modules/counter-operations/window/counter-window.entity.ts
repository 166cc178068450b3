import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A clerk at a window of a counter for a day: open from opening the window until it is closed. */
@Entity({ name: 'counter_window' })
// Partial unique indexes (migration 1764201612000): one open session per window and day, and per clerk and day.
@Index('UQ_counter_window_open', { synchronize: false })
@Index('UQ_counter_window_clerk_open', { synchronize: false })
@Index('IDX_counter_window_day', ['serviceDate', 'counterId'])
export class CounterWindowEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'counter_id', type: 'text' })
  counterId!: string;

  @Column({ name: 'window_number', type: 'integer' })
  window!: number;

  /** YYYY-MM-DD, Asia/Shanghai: a window is open for one day at most. */
  @Column({ name: 'service_date', type: 'date' })
  serviceDate!: string;

  @Column({ name: 'clerk_id', type: 'text' })
  clerkId!: string;

  @Column({ name: 'clerk_name', type: 'text' })
  clerkName!: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'closed_by', type: 'text', nullable: true })
  closedBy!: string | null;
}
