import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SlaKind } from '@onestop/common/contract';
import type { SlaBasis, SlaClockState } from './sla-clock.rules.js';

/**
 * One SLA clock of one case. The sweep finds due clocks through the partial index on
 * `next_fire_at` (running clocks only), so a pass costs O(clocks due), not O(open clocks).
 */
@Entity({ name: 'sla_clock' })
@Index('IDX_sla_clock_next_fire_at', ['nextFireAt'], { where: `state = 'RUNNING'` })
@Index('IDX_sla_clock_case_kind', ['caseId', 'kind'])
@Index('IDX_sla_clock_ticket_id', ['ticketId'], { where: 'ticket_id IS NOT NULL' })
@Index('UQ_sla_clock_start', ['startEventId', 'kind'], { unique: true })
@Index('IDX_sla_clock_warned', ['dueAt'], { where: `state = 'RUNNING' AND last_threshold IS NOT NULL` })
export class SlaClockEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ type: 'text' })
  kind!: SlaKind;

  @Column({ type: 'text' })
  basis!: SlaBasis;

  /** Working days allowed (working-day clocks). */
  @Column({ name: 'target_working_days', type: 'integer', nullable: true })
  targetWorkingDays!: number | null;

  /** Minutes allowed (the counter wait). */
  @Column({ name: 'target_minutes', type: 'integer', nullable: true })
  targetMinutes!: number | null;

  /** For agency scoping: an agency sees the clocks of its employers' cases only. */
  @Column({ name: 'employer_id', type: 'text', nullable: true })
  employerId!: string | null;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  /** The counter that accepted the documents or issued the ticket; null for pre-examination. */
  @Column({ name: 'counter_id', type: 'text', nullable: true })
  counterId!: string | null;

  /** The queue ticket a counter-wait clock belongs to. */
  @Column({ name: 'ticket_id', type: 'text', nullable: true })
  ticketId!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @Column({ type: 'boolean' })
  provisional!: boolean;

  /** Warning percentages then 100, fixed when the clock starts (later threshold changes do not apply). */
  @Column({ type: 'integer', array: true })
  thresholds!: number[];

  /** When each threshold falls due. */
  @Column({ name: 'fire_ats', type: 'timestamptz', array: true })
  fireAts!: Date[];

  @Column({ type: 'text' })
  state!: SlaClockState;

  @Column({ name: 'last_threshold', type: 'integer', nullable: true })
  lastThreshold!: number | null;

  @Column({ name: 'next_threshold', type: 'integer', nullable: true })
  nextThreshold!: number | null;

  @Column({ name: 'next_fire_at', type: 'timestamptz', nullable: true })
  nextFireAt!: Date | null;

  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true })
  stoppedAt!: Date | null;

  /** The event that started the clock: a redelivered event never starts a second one. */
  @Column({ name: 'start_event_id', type: 'bigint' })
  startEventId!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
