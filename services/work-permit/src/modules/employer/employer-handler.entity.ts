import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { EmployerEntity } from './employer.entity.js';

/**
 * A handler registered for an employer in the Service System (seed §5): the person who may
 * hand in the paper materials with their own identity document. Anyone else from the
 * employer needs a letter of introduction.
 */
@Entity({ name: 'employer_handler' })
export class EmployerHandlerEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('IDX_employer_handler_employer')
  @Column({ name: 'employer_id', type: 'uuid' })
  employerId!: string;

  @ManyToOne(() => EmployerEntity)
  @JoinColumn({ name: 'employer_id', foreignKeyConstraintName: 'FK_employer_handler_employer' })
  employer?: EmployerEntity;

  @Column({ name: 'full_name', type: 'text' })
  fullName!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
