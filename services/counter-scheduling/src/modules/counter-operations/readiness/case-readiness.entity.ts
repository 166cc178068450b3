import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A materials checklist as its owner last reported it (`*.materials-changed`). */
export interface ChecklistState {
  complete: boolean;
  missing: string[];
}

/** The interview requirement as residence-permit last reported it. */
export interface InterviewState {
  required: boolean;
  satisfied: boolean;
  scheduled: boolean;
  reason: string;
}

/**
 * What counter-scheduling knows of a case, built only from the other subgraphs' events
 * (docs/decisions/0003): the commands here check their preconditions against it.
 */
@Entity({ name: 'case_readiness' })
export class CaseReadinessEntity {
  @PrimaryColumn({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ type: 'text', nullable: true })
  reference!: string | null;

  @Index('IDX_case_readiness_employer')
  @Column({ name: 'employer_id', type: 'text', nullable: true })
  employerId!: string | null;

  @Column({ name: 'agency_id', type: 'text', nullable: true })
  agencyId!: string | null;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ name: 'pre_exam_passed', type: 'boolean' })
  preExamPassed!: boolean;

  /** null until work-permit first reports its checklist. */
  @Column({ name: 'wp_materials', type: 'jsonb', nullable: true })
  wpMaterials!: ChecklistState | null;

  /** null until residence-permit first reports its checklist. */
  @Column({ name: 'rp_materials', type: 'jsonb', nullable: true })
  rpMaterials!: ChecklistState | null;

  /** null until residence-permit first reports the requirement. */
  @Column({ type: 'jsonb', nullable: true })
  interview!: InterviewState | null;

  @Column({ name: 'ready_for_claim', type: 'boolean' })
  readyForClaim!: boolean;

  @Column({ type: 'boolean' })
  withdrawn!: boolean;

  @Column({ name: 'last_event_id', type: 'bigint' })
  lastEventId!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
