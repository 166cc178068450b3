import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyLedger, type Actor, type OneStopError } from '@onestop/common';
import { DEMO_AGENCIES, startSubgraphTestRuntime, type SubgraphTestRuntime } from '@onestop/common/testing';
import { servicesOf } from '../context.js';
import { seedCounters } from '../modules/counter-operations/index.js';
import { counterSchedulingSubgraph } from '../subgraph.js';
import { CsIdempotencyLedger1796730000001 } from './1796730000001-idempotency-ledger.js';

/**
 * Keys kept before the ledger (issue 17) still replay after the upgrade: rows written the old
 * way (`cs.appointment.idempotency_key`, `cs.clerk_request`) are copied by the migration, and
 * the commands, which no longer read the old places, answer a retry as before.
 */
let t: SubgraphTestRuntime;
const agencyId = DEMO_AGENCIES[0].id;
const employerId = DEMO_AGENCIES[0].employerIds[0];
const agency: Actor = {
  id: 'agency-client-1',
  role: 'AGENCY',
  name: 'Agency client',
  agencyId,
  employerIds: [...DEMO_AGENCIES[0].employerIds],
  counterId: null,
};
const clerk: Actor = {
  id: 'clerk-1',
  role: 'CLERK',
  name: 'Clerk One',
  agencyId: null,
  employerIds: [],
  counterId: 'chaoyang-cbd',
};
const caseId = randomUUID();
const appointmentId = randomUUID();
const ticketId = randomUUID();
let slotStart: Date;

beforeAll(async () => {
  t = await startSubgraphTestRuntime(counterSchedulingSubgraph, { seed: (runtime) => seedCounters(runtime.ds) });
  const { ds } = t.runtime;
  const now = t.clock.now();
  slotStart = new Date(Math.ceil((now.getTime() + 3 * 86_400_000) / 1_800_000) * 1_800_000);
  await ds.query(
    `INSERT INTO cs.case_readiness (case_id, reference, employer_id, agency_id, category, pre_exam_passed, ready_for_claim, withdrawn, last_event_id, updated_at)
     VALUES ($1, 'OS-2026-990001', $2, $3, 'B', true, false, false, '1', $4)`,
    [caseId, employerId, agencyId, now],
  );
  // Written before the upgrade: a booking with its key on the appointment, and a clerk's step with its key in cs.clerk_request.
  await ds.query(
    `INSERT INTO cs.appointment (id, case_id, counter_id, employer_id, agency_id, slot_start, slot_end, status, letter_number,
       idempotency_key, booked_by, booked_at)
     VALUES ($1, $2, 'chaoyang-cbd', $3, $4, $5, $6, 'BOOKED', 'AL-2026-990001', 'booking-key-0001', $7, $8)`,
    [appointmentId, caseId, employerId, agencyId, slotStart, new Date(slotStart.getTime() + 1_800_000), agency.id, now],
  );
  await ds.query(
    `INSERT INTO cs.ticket (id, counter_id, service_date, seq, ticket_number, case_id, employer_id, category, status,
       window_number, issued_at, called_at, started_at, issued_by)
     VALUES ($1, 'chaoyang-cbd', $2, 1, 'A001', $3, $4, 'B', 'SERVING', 1, $5, $5, $5, $6)`,
    [ticketId, now.toISOString().slice(0, 10), caseId, employerId, now, clerk.id],
  );
  await ds.query(
    `INSERT INTO cs.clerk_request (actor_id, idempotency_key, operation, request, result_id, created_at) VALUES
       ($1, 'start-key-0001', 'queue.service-started', $2::jsonb, $3, $4),
       ($1, 'sla-key-0001', 'acknowledgeSlaAlert', '{"clockId":"c-1","level":"WARNING"}'::jsonb, 'c-1', $4)`,
    [clerk.id, JSON.stringify({ ticketId }), ticketId, now],
  );
  // The upgrade: the migration ran on an empty database at start; run it again over the old rows.
  const runner = ds.createQueryRunner();
  try {
    await new CsIdempotencyLedger1796730000001().up(runner);
  } finally {
    await runner.release();
  }
});
afterAll(async () => {
  await t?.stop();
});

describe('migration CsIdempotencyLedger1796730000001', () => {
  it('copies the keys into platform.idempotency_record with the request the commands compute', async () => {
    const rows: {
      principal: string;
      idempotency_key: string;
      operation: string;
      request: unknown;
      result_id: string;
    }[] = await t.runtime.ds.query(
      `SELECT principal, idempotency_key, operation, request, result_id FROM platform.idempotency_record
          WHERE subgraph = 'counter-scheduling' ORDER BY idempotency_key`,
    );
    expect(rows).toEqual([
      {
        principal: agencyId,
        idempotency_key: 'booking-key-0001',
        operation: 'bookAppointment',
        request: { caseId, counterId: 'chaoyang-cbd', slotStart: slotStart.toISOString() },
        result_id: appointmentId,
      },
      {
        principal: clerk.id,
        idempotency_key: 'sla-key-0001',
        operation: 'acknowledgeSlaAlert',
        request: { clockId: 'c-1', level: 'WARNING' },
        result_id: 'c-1',
      },
      {
        principal: clerk.id,
        idempotency_key: 'start-key-0001',
        operation: 'queue.service-started',
        request: { ticketId },
        result_id: ticketId,
      },
    ]);
  });

  it('a booking retried with a pre-upgrade key answers the same appointment and books nothing', async () => {
    const { appointments } = servicesOf(t.runtime).ops;
    const again = await appointments.book(agency, {
      caseId,
      counterId: 'chaoyang-cbd',
      slotStart,
      idempotencyKey: 'booking-key-0001',
    });
    expect(again.id).toBe(appointmentId);
    expect(again.letterNumber).toBe('AL-2026-990001');
    const [{ n }] = await t.runtime.ds.query(`SELECT count(*)::int AS n FROM cs.appointment WHERE case_id = $1`, [
      caseId,
    ]);
    expect(n).toBe(1);
    // The same key for another slot is the CONFLICT it was before, naming the earlier booking.
    const other = await appointments
      .book(agency, {
        caseId,
        counterId: 'chaoyang-cbd',
        slotStart: new Date(slotStart.getTime() + 1_800_000),
        idempotencyKey: 'booking-key-0001',
      })
      .catch((e: OneStopError) => e);
    expect((other as OneStopError).extensions).toMatchObject({ code: 'CONFLICT', appointmentId });
    expect((other as OneStopError).message).toContain('AL-2026-990001');
  });

  it("a clerk's step retried with a pre-upgrade key answers the ticket again instead of refusing the step", async () => {
    const { queue } = servicesOf(t.runtime).ops;
    // The ticket is SERVING already: without the replay, starting it again is INVALID_TRANSITION.
    const replayed = await queue.startService(clerk, ticketId, 'start-key-0001');
    expect(replayed).toMatchObject({ id: ticketId, status: 'SERVING' });
    const fresh = await queue.startService(clerk, ticketId, 'start-key-0002').catch((e: OneStopError) => e);
    expect((fresh as OneStopError).extensions?.code).toBe('INVALID_TRANSITION');
  });

  it("the SLA work list's keys are in the ledger as the work list's commands claim them", async () => {
    const ledger = new IdempotencyLedger('counter-scheduling');
    const claim = (operation: string, request: Record<string, unknown>) =>
      t.runtime.ds.transaction((tx) =>
        ledger.claim(tx, { principal: clerk.id, key: 'sla-key-0001', operation, request }, t.clock.now()),
      );
    expect(await claim('acknowledgeSlaAlert', { level: 'WARNING', clockId: 'c-1' })).toMatchObject({
      sameRequest: true,
      resultId: 'c-1',
    });
    expect(await claim('assignSlaAlert', { clockId: 'c-1' })).toMatchObject({ sameRequest: false });
  });
});
