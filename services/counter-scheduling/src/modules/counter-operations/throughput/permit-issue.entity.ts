import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The permits, as throughput counts them. */
export const PERMITS = ['WORK_PERMIT', 'RESIDENCE_PERMIT'] as const;
export type Permit = (typeof PERMITS)[number];

/**
 * A permit issued, as counter-scheduling learnt it from `work-permit.issued` /
 * `residence-permit.issued`: one row per case and permit, so a redelivered event counts once.
 */
@Entity({ name: 'permit_issue' })
export class PermitIssueEntity {
  @PrimaryColumn({ name: 'case_id', type: 'text' })
  caseId!: string;

  @PrimaryColumn({ type: 'text' })
  permit!: Permit;

  /** The decision's time (the payload's `decidedAt`). */
  @Index('IDX_permit_issue_issued_at')
  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ name: 'event_id', type: 'bigint' })
  eventId!: string;
}
