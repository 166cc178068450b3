import type { MigrationInterface, QueryRunner } from 'typeorm';
import { importKeptKeys } from '@onestop/common';

/** Keyed bookings copied per statement. */
const CHUNK = 1000;

/**
 * Issue 17 (decision 0022): counter-scheduling's idempotency keys move into the one ledger,
 * `platform.idempotency_record`, so a retry of a request made before the upgrade still replays.
 * - `cs.clerk_request` (clerk mutations and the SLA work list's): the same principal (the
 *   clerk's actor id), key, operation, request and result id. Its requests were stored as the
 *   JSON of the arguments, which as `jsonb` equals their canonical form.
 * - `cs.appointment.idempotency_key` (`bookAppointment`, per agency): the canonical request
 *   `{ caseId, counterId, slotStart }` rebuilt from the stored columns as the command computes
 *   it, and the appointment's id as the result.
 * The old columns and table stay as data (nothing reads them any more); a key already in the
 * ledger is left as it is.
 */
export class CsIdempotencyLedger1796730000001 implements MigrationInterface {
  name = 'CsIdempotencyLedger1796730000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO platform.idempotency_record (subgraph, principal, idempotency_key, operation, request, result_id, created_at)
       SELECT 'counter-scheduling', actor_id, idempotency_key, operation, request, result_id, created_at FROM cs.clerk_request
       ON CONFLICT DO NOTHING`,
    );
    const bookings: {
      id: string;
      agency_id: string;
      idempotency_key: string;
      case_id: string;
      counter_id: string;
      slot_start: Date;
      booked_at: Date;
    }[] = await q.query(
      `SELECT id, agency_id, idempotency_key, case_id, counter_id, slot_start, booked_at FROM cs.appointment
        WHERE idempotency_key IS NOT NULL ORDER BY booked_at`,
    );
    for (let i = 0; i < bookings.length; i += CHUNK) {
      const chunk = bookings.slice(i, i + CHUNK);
      await importKeptKeys(
        q,
        'counter-scheduling',
        chunk.map((b) => ({
          principal: b.agency_id,
          key: b.idempotency_key,
          operation: 'bookAppointment',
          request: { caseId: b.case_id, counterId: b.counter_id, slotStart: new Date(b.slot_start) },
          resultId: b.id,
          createdAt: b.booked_at,
        })),
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM platform.idempotency_record r USING cs.clerk_request c
        WHERE r.subgraph = 'counter-scheduling' AND r.principal = c.actor_id AND r.idempotency_key = c.idempotency_key`,
    );
    await q.query(
      `DELETE FROM platform.idempotency_record r USING cs.appointment a
        WHERE r.subgraph = 'counter-scheduling' AND r.operation = 'bookAppointment'
          AND r.principal = a.agency_id AND r.idempotency_key = a.idempotency_key`,
    );
  }
}
