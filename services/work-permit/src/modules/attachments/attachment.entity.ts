import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { CaseEntity } from '../case/case.entity.js';
import type { AllowedContentType, AttachmentKind, AttachmentVerdict, UploadRefusal } from './attachment.rules.js';

/** One filed attachment of a case (its name is one of the case's `attachments`). */
@Entity({ name: 'attachment' })
export class AttachmentEntity {
  /** Derived from the case and the name (attachmentId), so it is known before the first upload. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_attachment_case' })
  case?: CaseEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: AttachmentKind;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One immutable version of an attachment: the bytes in the object store, and the officer's verdict on them. */
@Entity({ name: 'attachment_version' })
@Unique('UQ_attachment_version', ['attachmentId', 'version'])
@Index('IDX_attachment_version_case', ['caseId', 'attachmentId', 'version'])
export class AttachmentVersionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'attachment_id', type: 'uuid' })
  attachmentId!: string;

  @ManyToOne(() => AttachmentEntity)
  @JoinColumn({ name: 'attachment_id', foreignKeyConstraintName: 'FK_attachment_version_attachment' })
  attachment?: AttachmentEntity;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'file_name', type: 'text' })
  fileName!: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType!: AllowedContentType;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  sizeBytes!: number;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey!: string;

  @Column({ name: 'uploaded_by', type: 'text' })
  uploadedBy!: string;

  @Column({ name: 'uploaded_by_name', type: 'text' })
  uploadedByName!: string;

  @Column({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt!: Date;

  @Column({ type: 'text', default: 'PENDING' })
  verdict!: AttachmentVerdict;

  @Column({ name: 'verdict_reason', type: 'text', nullable: true })
  verdictReason!: string | null;

  @Column({ name: 'reviewed_by', type: 'text', nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'reviewed_by_name', type: 'text', nullable: true })
  reviewedByName!: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  /** When retention deleted the bytes (the row stays: the history of what was filed). */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}

export type UploadState = 'REQUESTED' | 'RECEIVING' | 'RECEIVED' | 'REFUSED' | 'CONFIRMED' | 'DISCARDED';

/** One single-use upload: what the agency declared, and what became of the bytes it sent. */
@Entity({ name: 'attachment_upload' })
@Index('IDX_attachment_upload_case', ['caseId', 'requestedAt'])
@Index('IDX_attachment_upload_unconfirmed', ['expiresAt'], { where: `state = 'RECEIVED'` })
export class AttachmentUploadEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_attachment_upload_case' })
  case?: CaseEntity;

  @Column({ name: 'attachment_name', type: 'text' })
  attachmentName!: string;

  @Column({ type: 'text' })
  kind!: AttachmentKind;

  @Column({ name: 'file_name', type: 'text' })
  fileName!: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType!: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  sizeBytes!: number;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @Column({ name: 'requested_by_name', type: 'text' })
  requestedByName!: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'text' })
  state!: UploadState;

  @Column({ type: 'text', nullable: true })
  refusal!: UploadRefusal | null;

  @Column({ name: 'refusal_message', type: 'text', nullable: true })
  refusalMessage!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz', nullable: true })
  receivedAt!: Date | null;

  @Column({ name: 'storage_key', type: 'text', nullable: true })
  storageKey!: string | null;

  @Column({ name: 'version_id', type: 'uuid', nullable: true })
  versionId!: string | null;
}
