import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';

/** How Exit-Entry verifies an application (seed §6). */
export const VERIFICATION_KINDS = ['FACE_TO_FACE_INTERVIEW', 'TELEPHONE_INTERVIEW', 'ON_SITE_INVESTIGATION'] as const;
export type VerificationKind = (typeof VERIFICATION_KINDS)[number];

/** What a verification found. Only a face-to-face interview that took place (CONFIRMED, DISCREPANCY) satisfies the interview requirement. */
export const VERIFICATION_OUTCOMES = ['CONFIRMED', 'DISCREPANCY', 'NO_SHOW'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

/** One verification: scheduled by an EE_OFFICER, then recorded with its outcome. */
@Entity({ name: 'verification' })
@Index('UQ_verification_idempotency', ['scheduledBy', 'idempotencyKey'], { unique: true })
export class VerificationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('IDX_verification_permit_id')
  @Column({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  @ManyToOne(() => ResidencePermitEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'permit_id', foreignKeyConstraintName: 'FK_verification_permit' })
  permit?: ResidencePermitEntity;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ type: 'text' })
  kind!: VerificationKind;

  @Column({ name: 'scheduled_at', type: 'timestamptz' })
  scheduledAt!: Date;

  @Column({ type: 'text', nullable: true })
  location!: string | null;

  @Column({ name: 'scheduled_by', type: 'text' })
  scheduledBy!: string;

  @Column({ name: 'scheduled_by_name', type: 'text' })
  scheduledByName!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /**
   * The officer's key for this scheduling, kept as data: the idempotency ledger
   * (`platform.idempotency_record`, decision 0022) is where a retry finds it. Unique per officer
   * (`scheduled_by`), like the ledger's key; null only on rows scheduled before keys existed.
   */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** Null while the verification is outstanding. */
  @Column({ type: 'text', nullable: true })
  outcome!: VerificationOutcome | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ name: 'recorded_by', type: 'text', nullable: true })
  recordedBy!: string | null;

  @Column({ name: 'recorded_by_name', type: 'text', nullable: true })
  recordedByName!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true })
  recordedAt!: Date | null;
}
