import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SlaKind } from '@onestop/common/contract';

/** One breach of one clock: open until the clock stops (then `resolved_at`). */
@Entity({ name: 'sla_breach' })
@Index('UQ_sla_breach_clock_id', ['clockId'], { unique: true })
@Index('IDX_sla_breach_breached_at', ['breachedAt', 'id'])
@Index('IDX_sla_breach_open', ['breachedAt', 'id'], { where: 'resolved_at IS NULL' })
export class SlaBreachEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'clock_id', type: 'uuid' })
  clockId!: string;

  @Column({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ name: 'employer_id', type: 'text', nullable: true })
  employerId!: string | null;

  @Column({ type: 'text' })
  kind!: SlaKind;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ name: 'counter_id', type: 'text', nullable: true })
  counterId!: string | null;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  /** The instant the breach fell due (the clock's due time). */
  @Column({ name: 'breached_at', type: 'timestamptz' })
  breachedAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
