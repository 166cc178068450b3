import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { CaseStatus, Category, InMainlandBasis, PermitDecisionStatus, Route } from '@onestop/common/contract';
import { EmployerEntity } from '../employer/employer.entity.js';
import type { HouseholdRegistration, Sex } from '../../shared/vocabulary.js';
import type { PresenterKind } from '../../shared/vocabulary.js';

/** One item of a one-time return notification (seed: the pre-examination returns everything at once). */
export interface ReturnItem {
  field: string;
  problem: string;
  /** When the item is an attachment to correct (issue 18): its id (Case.attachmentFiles.id). */
  attachmentId?: string | null;
}

/**
 * One application: both permits travel together (DOMAIN.md: the case). Owned by work-permit,
 * which also owns its status for the whole lifecycle (docs/decisions/0003-case-status-owner.md).
 */
@Entity({ name: 'case' })
@Index('IDX_case_idempotency', ['agencyId', 'idempotencyKey'], { unique: true })
@Index('IDX_case_due', ['preExamDueAt', 'id'])
@Index('IDX_case_status_due', ['status', 'preExamDueAt', 'id'])
@Index('IDX_case_employer_status_due', ['employerId', 'status', 'preExamDueAt', 'id'])
@Index('IDX_case_open_due', ['preExamDueAt', 'id'], { where: `status = 'SUBMITTED'` })
@Index('IDX_case_submitted', ['submittedAt', 'id'])
@Index('IDX_case_employer_submitted', ['employerId', 'submittedAt', 'id'])
// The search's prefix indexes use text_pattern_ops, which TypeORM cannot declare (migration 1796620000001).
@Index('IDX_case_passport_prefix', { synchronize: false })
@Index('IDX_case_reference_prefix', { synchronize: false })
@Index('IDX_case_applicant_name_trgm', { synchronize: false })
// The work list's "open clock due" order (DUE_ASC) is an expression index (migration 1796650000001).
@Index('IDX_case_open_clock_due', { synchronize: false })
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Human-readable reference, e.g. OS-2026-000123. */
  @Index('IDX_case_reference', { unique: true })
  @Column({ type: 'text' })
  reference!: string;

  @Column({ name: 'employer_id', type: 'uuid' })
  employerId!: string;

  @ManyToOne(() => EmployerEntity)
  @JoinColumn({ name: 'employer_id', foreignKeyConstraintName: 'FK_case_employer' })
  employer?: EmployerEntity;

  /** The agency that filed it (the token's agencyId). */
  @Column({ name: 'agency_id', type: 'text' })
  agencyId!: string;

  @Column({ name: 'filed_by', type: 'text' })
  filedBy!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  /** SHA-256 of the filing input: the same key with different input is a conflict. */
  @Column({ name: 'filing_hash', type: 'text' })
  filingHash!: string;

  @Column({ type: 'text' })
  route!: Route;

  @Column({ name: 'notification_letter_number', type: 'text', nullable: true })
  notificationLetterNumber!: string | null;

  @Column({ name: 'in_mainland_basis', type: 'text', nullable: true })
  inMainlandBasis!: InMainlandBasis | null;

  @Column({ name: 'current_work_permit_number', type: 'text', nullable: true })
  currentWorkPermitNumber!: string | null;

  @Column({ name: 'current_residence_permit_number', type: 'text', nullable: true })
  currentResidencePermitNumber!: string | null;

  @Column({ name: 'current_permits_expire_on', type: 'date', nullable: true })
  currentPermitsExpireOn!: string | null;

  @Column({ type: 'text' })
  category!: Category;

  @Column({ type: 'integer', nullable: true })
  points!: number | null;

  @Column({ name: 'applicant_full_name', type: 'text' })
  applicantFullName!: string;

  /** `wp.search_key(applicant_full_name)`, kept by a trigger, for the name search's trigram index. */
  @Column({ name: 'applicant_name_key', type: 'text', nullable: true, select: false, insert: false, update: false })
  applicantNameKey?: string | null;

  @Column({ name: 'applicant_nationality', type: 'text' })
  applicantNationality!: string;

  /**
   * Normalised (upper-case, no spaces): the search by passport number is an equality, the search by
   * its start a prefix, both on IDX_case_passport_prefix (declared above).
   */
  @Column({ name: 'applicant_passport_number', type: 'text' })
  applicantPassportNumber!: string;

  @Column({ name: 'applicant_date_of_birth', type: 'date' })
  applicantDateOfBirth!: string;

  @Column({ name: 'applicant_sex', type: 'text' })
  applicantSex!: Sex;

  @Column({ name: 'applicant_household_registration', type: 'text' })
  applicantHouseholdRegistration!: HouseholdRegistration;

  /** Names of the attachments filed online; the counter checks the original and a copy of each. */
  @Column({ type: 'jsonb' })
  attachments!: string[];

  @Column({ name: 'contract_ends_on', type: 'date' })
  contractEndsOn!: string;

  @Column({ name: 'passport_expires_on', type: 'date' })
  passportExpiresOn!: string;

  @Column({ type: 'text' })
  status!: CaseStatus;

  /** First online submission (the filing). */
  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;

  /** Latest resubmission after a return; null if never returned. */
  @Column({ name: 'resubmitted_at', type: 'timestamptz', nullable: true })
  resubmittedAt!: Date | null;

  /** Start of the current pre-examination clock: the (re)submission. */
  @Column({ name: 'pre_exam_started_at', type: 'timestamptz' })
  preExamStartedAt!: Date;

  @Column({ name: 'pre_exam_due_at', type: 'timestamptz' })
  preExamDueAt!: Date;

  @Column({ name: 'pre_exam_due_provisional', type: 'boolean' })
  preExamDueProvisional!: boolean;

  @Column({ name: 'pre_exam_passed_at', type: 'timestamptz', nullable: true })
  preExamPassedAt!: Date | null;

  /** The latest one-time return notification. */
  @Column({ name: 'return_items', type: 'jsonb', nullable: true })
  returnItems!: ReturnItem[] | null;

  @Column({ name: 'returned_at', type: 'timestamptz', nullable: true })
  returnedAt!: Date | null;

  @Column({ name: 'return_count', type: 'integer' })
  returnCount!: number;

  /** Who hands in the work-permit materials: decides which identity items the checklist needs. */
  @Column({ name: 'presenter_kind', type: 'text' })
  presenterKind!: PresenterKind;

  @Column({ name: 'presenter_handler_id', type: 'uuid', nullable: true })
  presenterHandlerId!: string | null;

  @Column({ name: 'presenter_name', type: 'text', nullable: true })
  presenterName!: string | null;

  /** The appointment currently booked (counter-scheduling's id), so a late cancel of a replaced one is ignored. */
  @Column({ name: 'appointment_id', type: 'text', nullable: true })
  appointmentId!: string | null;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ name: 'receipt_number', type: 'text', nullable: true })
  receiptNumber!: string | null;

  /**
   * The issuance clock's due time (counter-scheduling owns the clock): a copy taken from
   * `case.documents-accepted` and moved by `sla.deadline-changed` (kind ISSUANCE), so the work
   * list can sort by it (`cases(orderBy: DUE_ASC)`). Null before acceptance.
   */
  @Column({ name: 'issuance_due_at', type: 'timestamptz', nullable: true })
  issuanceDueAt!: Date | null;

  @Column({ name: 'issuance_due_provisional', type: 'boolean', nullable: true })
  issuanceDueProvisional!: boolean | null;

  @Column({ name: 'wp_status', type: 'text' })
  wpStatus!: PermitDecisionStatus;

  @Index('IDX_case_wp_permit_number', { unique: true, where: 'wp_permit_number IS NOT NULL' })
  @Column({ name: 'wp_permit_number', type: 'text', nullable: true })
  wpPermitNumber!: string | null;

  @Column({ name: 'wp_valid_from', type: 'date', nullable: true })
  wpValidFrom!: string | null;

  @Column({ name: 'wp_valid_until', type: 'date', nullable: true })
  wpValidUntil!: string | null;

  @Column({ name: 'wp_refusal_reasons', type: 'jsonb', nullable: true })
  wpRefusalReasons!: string[] | null;

  @Column({ name: 'wp_decided_at', type: 'timestamptz', nullable: true })
  wpDecidedAt!: Date | null;

  @Column({ name: 'wp_decided_by', type: 'text', nullable: true })
  wpDecidedBy!: string | null;

  /** The residence permit's decision, learned from residence-permit's events. */
  @Column({ name: 'rp_status', type: 'text' })
  rpStatus!: PermitDecisionStatus;

  @Column({ name: 'rp_decided_at', type: 'timestamptz', nullable: true })
  rpDecidedAt!: Date | null;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
