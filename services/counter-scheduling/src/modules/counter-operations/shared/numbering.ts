import type { EntityManager } from 'typeorm';
import { shanghaiDate } from '@onestop/common';

/**
 * Takes the next number of a gap-free sequence inside the caller's transaction. The row lock
 * it takes is held until commit, and a rollback gives the number back, so numbers are
 * assigned without gaps (and one at a time per sequence).
 */
export async function nextNumber(tx: EntityManager, kind: string, period: number): Promise<number> {
  const rows: { last_value: number }[] = await tx.query(
    `INSERT INTO cs.number_sequence (kind, period, last_value) VALUES ($1, $2, 1)
     ON CONFLICT (kind, period) DO UPDATE SET last_value = cs.number_sequence.last_value + 1
     RETURNING last_value`,
    [kind, period],
  );
  return rows[0]!.last_value;
}

/** The Asia/Shanghai calendar year of an instant. */
export function shanghaiYear(instant: Date): number {
  return Number(shanghaiDate(instant).slice(0, 4));
}

/** Appointment letter number: AL-<year>-<6 digits>. */
export function formatLetterNumber(year: number, n: number): string {
  return `AL-${year}-${String(n).padStart(6, '0')}`;
}

/** Receipt of acceptance number: RA-<year>-<6 digits>. */
export function formatReceiptNumber(year: number, n: number): string {
  return `RA-${year}-${String(n).padStart(6, '0')}`;
}

/** Ticket number: P-007 for an applicant with an appointment, W-008 for a walk-in; one sequence per counter per day. */
export function formatTicketNumber(withAppointment: boolean, n: number): string {
  return `${withAppointment ? 'P' : 'W'}-${String(n).padStart(3, '0')}`;
}
