import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** One application: both permits travel together (DOMAIN.md: the case). Owned by work-permit. */
@Entity({ name: 'case' })
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Human-readable reference, e.g. OS-2026-000123. */
  @Index('IDX_case_reference', { unique: true })
  @Column({ type: 'text' })
  reference!: string;

  @Index('IDX_case_employer_id')
  @Column({ name: 'employer_id', type: 'uuid' })
  employerId!: string;

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text' })
  route!: string;

  @Index('IDX_case_status')
  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'applicant_name', type: 'text' })
  applicantName!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
