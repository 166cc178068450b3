import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An employer registered in the Service System for Foreigners Working in China. */
@Entity({ name: 'employer' })
export class EmployerEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Unified social credit code (统一社会信用代码, GB 32100-2015), 18 characters. */
  @Index('IDX_employer_credit_code', { unique: true })
  @Column({ name: 'credit_code', type: 'text' })
  creditCode!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
