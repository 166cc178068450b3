import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Permits and passport handed back together; closes the case. */
@Entity({ name: 'claim' })
export class ClaimEntity {
  @PrimaryColumn({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ name: 'counter_id', type: 'text' })
  counterId!: string;

  @Column({ name: 'employer_id', type: 'text', nullable: true })
  employerId!: string | null;

  @Index('IDX_claim_claimed_at')
  @Column({ name: 'claimed_at', type: 'timestamptz' })
  claimedAt!: Date;

  @Column({ name: 'claimed_by', type: 'text' })
  claimedBy!: string;
}
