import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the SLA clocks need to know of a case, projected from other subgraphs' events
 * (docs/decisions/0003): its employer and category (for scoping and filters, on clocks that
 * start from events that do not carry them) and which permit decisions are in.
 */
@Entity({ name: 'sla_case' })
export class SlaCaseEntity {
  @PrimaryColumn({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ name: 'employer_id', type: 'text', nullable: true })
  employerId!: string | null;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ name: 'work_permit_decided', type: 'boolean', default: false })
  workPermitDecided!: boolean;

  @Column({ name: 'residence_permit_decided', type: 'boolean', default: false })
  residencePermitDecided!: boolean;
}
