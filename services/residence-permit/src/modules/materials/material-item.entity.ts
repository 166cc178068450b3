import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { ApplicationFormChecks, MaterialState, ResidenceMaterial } from './materials-checklist.js';

/** One item of the residence-permit checklist as a clerk last recorded it (absent: MISSING). */
@Entity({ name: 'material_item' })
export class MaterialItemEntity {
  @PrimaryColumn({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  @PrimaryColumn({ type: 'text' })
  item!: ResidenceMaterial;

  @ManyToOne(() => ResidencePermitEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'permit_id', foreignKeyConstraintName: 'FK_material_item_permit' })
  permit?: ResidencePermitEntity;

  @Column({ type: 'text' })
  state!: MaterialState;

  /** APPLICATION_FORM only: what the clerk confirmed about ink and photo. */
  @Column({ name: 'application_form', type: 'jsonb', nullable: true })
  applicationForm!: ApplicationFormChecks | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'recorded_by', type: 'text' })
  recordedBy!: string;

  @Column({ name: 'recorded_by_name', type: 'text' })
  recordedByName!: string;

  /** The counter the clerk staffs. */
  @Column({ name: 'counter_id', type: 'text', nullable: true })
  counterId!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
