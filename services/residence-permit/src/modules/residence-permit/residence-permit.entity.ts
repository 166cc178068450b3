import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The lifecycle of the residence-permit half of a case. */
export const RESIDENCE_PERMIT_STATUSES = [
  'AWAITING_DOCUMENTS',
  'UNDER_REVIEW',
  'ISSUED',
  'REFUSED',
  'WITHDRAWN',
] as const;
export type ResidencePermitStatus = (typeof RESIDENCE_PERMIT_STATUSES)[number];

/**
 * The work-type residence permit half of a case (Exit-Entry Administration). One row per case,
 * created from `case.submitted`; every command locks it (`FOR UPDATE`) before it changes the
 * permit or anything that belongs to it, so two officers never both decide.
 */
@Entity({ name: 'residence_permit' })
@Index('IDX_residence_permit_queue', ['status', 'submittedAt', 'id'])
@Index('IDX_residence_permit_order', ['submittedAt', 'id'])
export class ResidencePermitEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('IDX_residence_permit_case_id', { unique: true })
  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'case_reference', type: 'text' })
  caseReference!: string;

  /** Copied from `case.submitted`, so agency scoping needs no cross-subgraph read. */
  @Index('IDX_residence_permit_employer_id')
  @Column({ name: 'employer_id', type: 'uuid' })
  employerId!: string;

  @Column({ name: 'agency_id', type: 'text', nullable: true })
  agencyId!: string | null;

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text' })
  route!: string;

  /** Personal data: read only by the interview rule, never returned by the API. */
  @Column({ name: 'applicant_date_of_birth', type: 'date', nullable: true })
  applicantDateOfBirth!: string | null;

  /** Asia/Shanghai filing date: the interview rule's age is computed on it. */
  @Column({ name: 'filed_on', type: 'date' })
  filedOn!: string;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;

  @Column({ type: 'text' })
  status!: ResidencePermitStatus;

  // --- Interview: the facts the rule reads, and its last outcome (for filters and change detection).

  @Column({ name: 'claimed_grounds', type: 'text', array: true })
  claimedGrounds!: string[];

  @Column({ name: 'grounds_declared_by', type: 'text', nullable: true })
  groundsDeclaredBy!: string | null;

  @Column({ name: 'grounds_declared_at', type: 'timestamptz', nullable: true })
  groundsDeclaredAt!: Date | null;

  @Column({ name: 'proxy_kind', type: 'text', nullable: true })
  proxyKind!: string | null;

  @Column({ name: 'proxy_name', type: 'text', nullable: true })
  proxyName!: string | null;

  @Column({ name: 'proxy_id_copy_reference', type: 'text', nullable: true })
  proxyIdCopyReference!: string | null;

  @Column({ name: 'demanded_by', type: 'text', nullable: true })
  demandedBy!: string | null;

  @Column({ name: 'demanded_by_name', type: 'text', nullable: true })
  demandedByName!: string | null;

  @Column({ name: 'demand_reason', type: 'text', nullable: true })
  demandReason!: string | null;

  @Column({ name: 'demanded_at', type: 'timestamptz', nullable: true })
  demandedAt!: Date | null;

  @Column({ name: 'interview_required', type: 'boolean' })
  interviewRequired!: boolean;

  /** A face-to-face interview is recorded (CONFIRMED or DISCREPANCY). */
  @Column({ name: 'interview_completed', type: 'boolean' })
  interviewCompleted!: boolean;

  /** A face-to-face interview is scheduled without an outcome yet. */
  @Column({ name: 'interview_scheduled', type: 'boolean' })
  interviewScheduled!: boolean;

  @Column({ name: 'interview_reason', type: 'text' })
  interviewReason!: string;

  // --- Passport custody (docs/decisions/0004), from case.documents-accepted and case.claim-recorded.

  @Column({ name: 'documents_accepted_at', type: 'timestamptz', nullable: true })
  documentsAcceptedAt!: Date | null;

  @Index('IDX_residence_permit_receipt_number', { unique: true })
  @Column({ name: 'receipt_number', type: 'text', nullable: true })
  receiptNumber!: string | null;

  @Index('IDX_residence_permit_passport_held_since')
  @Column({ name: 'passport_held_since', type: 'timestamptz', nullable: true })
  passportHeldSince!: Date | null;

  @Column({ name: 'passport_held_counter_id', type: 'text', nullable: true })
  passportHeldCounterId!: string | null;

  @Column({ name: 'passport_released_at', type: 'timestamptz', nullable: true })
  passportReleasedAt!: Date | null;

  @Column({ name: 'passport_released_counter_id', type: 'text', nullable: true })
  passportReleasedCounterId!: string | null;

  // --- The decision.

  @Index('IDX_residence_permit_permit_number', { unique: true })
  @Column({ name: 'permit_number', type: 'text', nullable: true })
  permitNumber!: string | null;

  @Column({ name: 'valid_from', type: 'date', nullable: true })
  validFrom!: string | null;

  @Column({ name: 'valid_until', type: 'date', nullable: true })
  validUntil!: string | null;

  @Column({ name: 'refusal_reasons', type: 'text', array: true, nullable: true })
  refusalReasons!: string[] | null;

  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_by_name', type: 'text', nullable: true })
  decidedByName!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
