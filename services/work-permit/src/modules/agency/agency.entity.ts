import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A specialised service agency (or an employer's own handling office) that files cases for employers. */
@Entity({ name: 'agency' })
export class AgencyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('IDX_agency_name', { unique: true })
  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
