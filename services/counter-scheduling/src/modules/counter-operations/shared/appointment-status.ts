/**
 * Appointment statuses, below both the appointment area (which books) and the counter area
 * (which counts the places a slot has left), so neither imports the other for them.
 */

/** BOOKED is the only active status: a case has at most one BOOKED appointment. */
export const APPOINTMENT_STATUSES = ['BOOKED', 'CHECKED_IN', 'CANCELLED', 'RESCHEDULED', 'NO_SHOW'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** Statuses that hold a place in their slot. */
export const SLOT_HOLDING_STATUSES: readonly AppointmentStatus[] = ['BOOKED', 'CHECKED_IN', 'NO_SHOW'];

/** "2026-12-01 10:30 (Asia/Shanghai)": how a slot or an instant is told to people. */
export function describeSlot(start: Date): string {
  const local = new Date(start.getTime() + 8 * 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)} (Asia/Shanghai)`;
}
