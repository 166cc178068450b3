import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandPipeline } from '@onestop/common';
import { decodeEvent, EVENT_TYPES, type EventType } from '@onestop/common/contract';
import { DEMO_AGENCIES } from '@onestop/common/testing';
import { agencyClaims, filingInput } from '../../testing/filing-input.js';
import { startTestRuntime, type TestRuntime } from '../../testing/test-runtime.js';
import { CaseLifecycleProjector, type LIFECYCLE_EVENT_TYPES } from './case-lifecycle.consumer.js';

/**
 * The lifecycle consumer runs its handlers through the command pipeline (runIn, as the system):
 * what it writes keeps the author and time of the other subgraph's fact, as it did before.
 */
let t: TestRuntime;
let projector: CaseLifecycleProjector;
const officer = { sub: 'wp-officer-1', role: 'WP_OFFICER' as const, name: 'Officer One' };
const BOOKED_AT = new Date('2026-12-07T03:04:05.000Z');

async function deliver(
  type: (typeof LIFECYCLE_EVENT_TYPES)[number],
  caseId: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const event = decodeEvent<typeof type>({
    id: '1',
    type: type as EventType,
    source: 'counter-scheduling',
    aggregateId: caseId,
    employerId: DEMO_AGENCIES[0].employerIds[0]!,
    counterId: 'chaoyang-cbd',
    payload,
    actorId: 'clerk-7',
    occurredAt: BOOKED_AT,
    recordedAt: BOOKED_AT,
  });
  await t.runtime.ds.transaction((tx) => projector.handle(event, tx));
}
const booked = (caseId: string) => ({
  appointmentId: 'appointment-1',
  caseId,
  counterId: 'chaoyang-cbd',
  letterNumber: 'L-1',
  slotStart: '2026-12-08T01:00:00.000Z',
  slotEnd: '2026-12-08T01:30:00.000Z',
});

beforeAll(async () => {
  t = await startTestRuntime();
  projector = new CaseLifecycleProjector(commandPipeline(t.runtime), t.runtime.calendar, t.runtime.logger);
});
afterAll(async () => {
  await t?.stop();
});

describe('the case lifecycle consumer', () => {
  it('moves the case with the fact’s author and time on the timeline and on its event; a repeat changes nothing', async () => {
    const filed = await t.exec<{ fileCase: { id: string } }>(
      'mutation($i: FileCaseInput!) { fileCase(input: $i) { id } }',
      { i: filingInput(DEMO_AGENCIES[0].employerIds[0]!, t.clock.now()) },
      agencyClaims(0),
    );
    expect(filed.errors).toBeUndefined();
    const caseId = filed.data!.fileCase.id;
    const passed = await t.exec(
      'mutation($c: ID!) { passPreExamination(input: { caseId: $c }) { status } }',
      { c: caseId },
      officer,
    );
    expect(passed.errors).toBeUndefined();

    await deliver(EVENT_TYPES.appointmentBooked, caseId, booked(caseId));
    const lines = await t.runtime.ds.query(
      `SELECT action, actor_id, actor_name, at, from_status, to_status FROM wp.case_timeline WHERE case_id = $1 ORDER BY id`,
      [caseId],
    );
    expect(lines.at(-1)).toEqual({
      action: 'APPOINTMENT_BOOKED',
      actor_id: 'clerk-7',
      actor_name: 'counter-scheduling',
      at: BOOKED_AT,
      from_status: 'PRE_EXAM_PASSED',
      to_status: 'APPOINTMENT_BOOKED',
    });
    const events = await t.runtime.ds.query(
      `SELECT type, actor_id, occurred_at, payload->>'to' AS "to" FROM platform.event_log
        WHERE aggregate_id = $1 AND type = 'case.status-changed' ORDER BY id`,
      [caseId],
    );
    expect(events.at(-1)).toEqual({
      type: 'case.status-changed',
      actor_id: 'clerk-7',
      occurred_at: BOOKED_AT,
      to: 'APPOINTMENT_BOOKED',
    });

    // Delivered again (at-least-once): the case is past PRE_EXAM_PASSED, so nothing is written.
    await deliver(EVENT_TYPES.appointmentBooked, caseId, booked(caseId));
    const [{ n }] = await t.runtime.ds.query(`SELECT count(*)::int AS n FROM wp.case_timeline WHERE case_id = $1`, [
      caseId,
    ]);
    expect(n).toBe(lines.length);
  });

  it('skips an event about a case it does not have (logged, not retried)', async () => {
    const unknown = '00000000-0000-4000-8000-00000000dead';
    await expect(deliver(EVENT_TYPES.appointmentBooked, unknown, booked(unknown))).resolves.toBeUndefined();
  });
});
