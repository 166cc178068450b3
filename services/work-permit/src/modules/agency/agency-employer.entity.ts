import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { EmployerEntity } from '../employer/employer.entity.js';
import { AgencyEntity } from './agency.entity.js';

/** An employer entrusts an agency with its applications. */
@Entity({ name: 'agency_employer' })
export class AgencyEmployerEntity {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid' })
  agencyId!: string;

  @Index('IDX_agency_employer_employer')
  @PrimaryColumn({ name: 'employer_id', type: 'uuid' })
  employerId!: string;

  @ManyToOne(() => AgencyEntity)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_agency_employer_agency' })
  agency?: AgencyEntity;

  @ManyToOne(() => EmployerEntity)
  @JoinColumn({ name: 'employer_id', foreignKeyConstraintName: 'FK_agency_employer_employer' })
  employer?: EmployerEntity;
}
