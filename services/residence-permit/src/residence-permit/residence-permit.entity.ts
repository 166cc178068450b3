import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The work-type residence permit half of a case (Exit-Entry Administration). */
@Entity({ name: 'residence_permit' })
export class ResidencePermitEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('IDX_residence_permit_case_id', { unique: true })
  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  /** Copied from the CaseFiled event, so agency scoping needs no cross-subgraph read. */
  @Column({ name: 'employer_id', type: 'uuid' })
  employerId!: string;

  @Column({ type: 'text' })
  status!: string;
}
