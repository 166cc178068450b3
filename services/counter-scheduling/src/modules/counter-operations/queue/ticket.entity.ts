import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * WAITING → CALLED → SERVING → DONE; a CALLED ticket whose applicant never came to the window
 * becomes MISSED; when its counter closes for the day a ticket still WAITING becomes UNSERVED,
 * one still CALLED becomes MISSED and one still SERVING becomes DONE. A ticket still WAITING
 * when the agency withdraws its case becomes WITHDRAWN (one at a window stays there).
 */
export const TICKET_STATUSES = ['WAITING', 'CALLED', 'SERVING', 'DONE', 'MISSED', 'UNSERVED', 'WITHDRAWN'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** A queue ticket: one visit of a case to a counter. */
@Entity({ name: 'ticket' })
@Index('UQ_ticket_open_case', { synchronize: false })
@Index('UQ_ticket_counter_day_seq', ['counterId', 'serviceDate', 'seq'], { unique: true })
@Index('IDX_ticket_queue', ['counterId', 'serviceDate', 'status', 'seq'])
@Index('IDX_ticket_unfinished', ['serviceDate', 'counterId'], { where: `status IN ('WAITING', 'CALLED', 'SERVING')` })
@Index('IDX_ticket_service_date', ['serviceDate', 'issuedAt'])
export class TicketEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'counter_id', type: 'text' })
  counterId!: string;

  /** YYYY-MM-DD, Asia/Shanghai: tickets are numbered per counter per day. */
  @Column({ name: 'service_date', type: 'date' })
  serviceDate!: string;

  @Column({ type: 'integer' })
  seq!: number;

  /** P-001 (with an appointment) or W-002 (walk-in). */
  @Column({ name: 'ticket_number', type: 'text' })
  ticketNumber!: string;

  @Index('IDX_ticket_case')
  @Column({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ name: 'employer_id', type: 'text', nullable: true })
  employerId!: string | null;

  @Column({ type: 'text' })
  category!: string;

  @Column({ name: 'appointment_id', type: 'uuid', nullable: true })
  appointmentId!: string | null;

  @Column({ name: 'appointment_slot_start', type: 'timestamptz', nullable: true })
  appointmentSlotStart!: Date | null;

  @Column({ type: 'text' })
  status!: TicketStatus;

  @Column({ name: 'window_number', type: 'integer', nullable: true })
  window!: number | null;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ name: 'called_at', type: 'timestamptz', nullable: true })
  calledAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'issued_by', type: 'text' })
  issuedBy!: string;

  /** The last time a clerk announced the called ticket again (recall). */
  @Column({ name: 'recalled_at', type: 'timestamptz', nullable: true })
  recalledAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  recalls!: number;
}
