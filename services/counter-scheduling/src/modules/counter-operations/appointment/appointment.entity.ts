import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AppointmentStatus } from '../shared/appointment-status.js';

/** An appointment at a counter, with its letter number (AL-<year>-<6 digits>). */
@Entity({ name: 'appointment' })
@Index('UQ_appointment_active_case', { synchronize: false })
@Index('IDX_appointment_no_show_due', { synchronize: false })
@Index('IDX_appointment_counter_slot', ['counterId', 'slotStart'])
@Index('UQ_appointment_idempotency', ['agencyId', 'idempotencyKey'], { unique: true })
export class AppointmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('IDX_appointment_case')
  @Column({ name: 'case_id', type: 'text' })
  caseId!: string;

  @Column({ name: 'counter_id', type: 'text' })
  counterId!: string;

  @Column({ name: 'employer_id', type: 'text', nullable: true })
  employerId!: string | null;

  @Column({ name: 'agency_id', type: 'text' })
  agencyId!: string;

  @Column({ name: 'slot_start', type: 'timestamptz' })
  slotStart!: Date;

  @Column({ name: 'slot_end', type: 'timestamptz' })
  slotEnd!: Date;

  @Column({ type: 'text' })
  status!: AppointmentStatus;

  @Index('UQ_appointment_letter_number', { unique: true })
  @Column({ name: 'letter_number', type: 'text' })
  letterNumber!: string;

  @Column({ name: 'replaces_id', type: 'uuid', nullable: true })
  replacesId!: string | null;

  @Column({ name: 'replaced_by_id', type: 'uuid', nullable: true })
  replacedById!: string | null;

  /** Why it was rescheduled (on the new appointment) or cancelled. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'booked_by', type: 'text' })
  bookedBy!: string;

  @Column({ name: 'booked_at', type: 'timestamptz' })
  bookedAt!: Date;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'checked_in_at', type: 'timestamptz', nullable: true })
  checkedInAt!: Date | null;

  @Column({ name: 'no_show_at', type: 'timestamptz', nullable: true })
  noShowAt!: Date | null;
}
