import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One read of a case's personal data by staff, or a search by it (DOMAIN.md: data that is personal). */
@Entity({ name: 'access_log' })
@Index('IDX_access_log_case', ['caseId', 'id'])
@Index('IDX_access_log_actor', ['actorId', 'id'])
export class AccessLogEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'actor_id', type: 'text' })
  actorId!: string;

  @Column({ name: 'actor_role', type: 'text' })
  actorRole!: string;

  @Column({ name: 'actor_name', type: 'text' })
  actorName!: string;

  /** Null for a search that found no case. */
  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** The personal fields read, e.g. `applicant.passportNumber`; `search.passportNumber` for a search by it. */
  @Column({ type: 'text', array: true })
  fields!: string[];

  /** What a search (other than the exact passport search) looked for; null for a read. */
  @Column({ name: 'search_text', type: 'text', nullable: true })
  searchText!: string | null;
}
