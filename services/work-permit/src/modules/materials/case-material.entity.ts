import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CaseEntity } from '../case/case.entity.js';

/** What a clerk recorded for one item of the work-permit materials checklist. */
@Entity({ name: 'case_material' })
export class CaseMaterialEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @PrimaryColumn({ type: 'text' })
  item!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_material_case' })
  case?: CaseEntity;

  @Column({ type: 'boolean' })
  present!: boolean;

  @Column({ name: 'verified_by', type: 'text' })
  verifiedBy!: string;

  @Column({ name: 'verified_by_name', type: 'text' })
  verifiedByName!: string;

  @Column({ name: 'verified_at', type: 'timestamptz' })
  verifiedAt!: Date;
}
