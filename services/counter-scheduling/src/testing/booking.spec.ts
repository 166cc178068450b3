import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, OneStopError } from '@onestop/common';
import { DEMO_AGENCIES, startSubgraphTestRuntime, type SubgraphTestRuntime } from '@onestop/common/testing';
import { servicesOf } from '../context.js';
import { seedCounters } from '../modules/counter-operations/index.js';
import { counterSchedulingSubgraph } from '../subgraph.js';

/**
 * `bookAppointment` on the kernel (issue 17): concurrent retries of one booking (the same key)
 * make one appointment and all answer it; concurrent bookings for the last place take it once.
 * Through the services on a real PostgreSQL, every call in its own transaction at once.
 */
let t: SubgraphTestRuntime;
const agencyId = DEMO_AGENCIES[0].id;
const employerId = DEMO_AGENCIES[0].employerIds[0];
const agency = (client: number): Actor => ({
  id: `agency-client-${client}`,
  role: 'AGENCY',
  name: `Agency client ${client}`,
  agencyId,
  employerIds: [...DEMO_AGENCIES[0].employerIds],
  counterId: null,
});
let slotStart: Date;
let otherSlotStart: Date;

async function newCase(): Promise<string> {
  const caseId = randomUUID();
  await t.runtime.ds.query(
    `INSERT INTO cs.case_readiness (case_id, reference, employer_id, agency_id, category, pre_exam_passed, ready_for_claim, withdrawn, last_event_id, updated_at)
     VALUES ($1, $2, $3, $4, 'B', true, false, false, '1', $5)`,
    [caseId, `OS-2026-${Math.floor(Math.random() * 900000) + 100000}`, employerId, agencyId, t.clock.now()],
  );
  return caseId;
}

beforeAll(async () => {
  t = await startSubgraphTestRuntime(counterSchedulingSubgraph, { seed: (runtime) => seedCounters(runtime.ds) });
  const { counters } = servicesOf(t.runtime).ops;
  const from = new Date(t.clock.now().getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(t.clock.now().getTime() + 9 * 86_400_000).toISOString().slice(0, 10);
  const slots = await counters.availableSlots('chaoyang-cbd', from, to);
  slotStart = slots[0]!.start;
  otherSlotStart = slots[1]!.start;
});
afterAll(async () => {
  await t?.stop();
});

describe('bookAppointment through the CommandPipeline and the ledger', () => {
  it('six concurrent retries of one booking (one key, several clients of the agency) book once and answer the same', async () => {
    const { appointments } = servicesOf(t.runtime).ops;
    const caseId = await newCase();
    const request = { caseId, counterId: 'chaoyang-cbd', slotStart, idempotencyKey: `retry-${caseId}` };
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((client) => appointments.book(agency(client), request)));
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    const rows: { n: number }[] = await t.runtime.ds.query(
      `SELECT count(*)::int AS n FROM cs.appointment WHERE case_id = $1`,
      [caseId],
    );
    expect(rows[0]!.n).toBe(1);
    const events: { n: number }[] = await t.runtime.ds.query(
      `SELECT count(*)::int AS n FROM platform.event_log WHERE type = 'appointment.booked' AND aggregate_id = $1`,
      [caseId],
    );
    expect(events[0]!.n).toBe(1);
  });

  it('concurrent bookings of different cases for the last place: one books, the others are SLOT_FULL', async () => {
    const { appointments } = servicesOf(t.runtime).ops;
    await t.runtime.ds.query(`UPDATE cs.service_counter SET capacity_per_slot = 1 WHERE id = 'chaoyang-cbd'`);
    const cases = await Promise.all([1, 2, 3, 4, 5].map(() => newCase()));
    const outcomes = await Promise.all(
      cases.map((caseId, i) =>
        appointments
          .book(agency(i), {
            caseId,
            counterId: 'chaoyang-cbd',
            slotStart: otherSlotStart,
            idempotencyKey: `last-${caseId}`,
          })
          .then(() => 'BOOKED')
          .catch((e: OneStopError) => String(e.extensions?.reason ?? e.extensions?.code)),
      ),
    );
    expect(outcomes.filter((o) => o === 'BOOKED')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'SLOT_FULL')).toHaveLength(4);
  });
});
