import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Paper materials accepted at a counter: the receipt of acceptance (RA-<year>-<6 digits>) and the issuance due. */
@Entity({ name: 'acceptance' })
export class AcceptanceEntity {
  @PrimaryColumn({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Index('UQ_acceptance_receipt_number', { unique: true })
  @Column({ name: 'receipt_number', type: 'text' })
  receiptNumber!: string;

  @Column({ name: 'counter_id', type: 'text' })
  counterId!: string;

  @Column({ name: 'employer_id', type: 'text', nullable: true })
  employerId!: string | null;

  @Index('IDX_acceptance_accepted_at')
  @Column({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;

  @Column({ name: 'accepted_by', type: 'text' })
  acceptedBy!: string;

  @Column({ name: 'issuance_due_at', type: 'timestamptz' })
  issuanceDueAt!: Date;

  @Column({ name: 'issuance_due_provisional', type: 'boolean' })
  issuanceDueProvisional!: boolean;
}
