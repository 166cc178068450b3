import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, EVENT_TYPES, type EventType, type TypedEvent } from '@onestop/common/contract';
import { DEMO_AGENCIES, startSubgraphTestRuntime, type SubgraphTestRuntime } from '@onestop/common/testing';
// The whole subgraph, through its package entry (a spec of the wired reactions, not a module's import of the wiring).
import { residencePermitSubgraph, servicesOf } from '../../index.js';

/**
 * The reactions to other subgraphs' facts about a case run as system commands in the
 * consumer's transaction (`CommandPipeline.runIn`): each is exercised here as the consumer runs
 * it, handler by handler, on a real PostgreSQL.
 */
let t: SubgraphTestRuntime;
const employerId = DEMO_AGENCIES[0].employerIds[0]!;
let seq = 0;

function event<T extends EventType>(type: T, caseId: string, payload: Record<string, unknown>): TypedEvent<T> {
  const now = t.clock.now();
  return decodeEvent<T>(
    {
      id: String(++seq),
      type,
      source: 'spec',
      aggregateId: caseId,
      employerId,
      counterId: null,
      actorId: null,
      occurredAt: now,
      recordedAt: now,
      payload,
    },
    [type],
  );
}

function submission(caseId: string, type: typeof EVENT_TYPES.caseSubmitted | typeof EVENT_TYPES.caseResubmitted) {
  const now = t.clock.now().toISOString();
  return event(type, caseId, {
    caseId,
    reference: `OS-2026-${String(800000 + seq)}`,
    employerId,
    agencyId: DEMO_AGENCIES[0].id,
    category: 'B',
    route: 'NOTIFICATION_LETTER',
    applicant: { fullName: 'A', nationality: 'FR', dateOfBirth: '1990-01-01', sex: 'F' },
    filedOn: '2026-12-01',
    submittedAt: now,
    preExamDueAt: now,
    preExamDueProvisional: false,
  });
}

const acceptance = (caseId: string, receiptNumber: string) =>
  event(EVENT_TYPES.documentsAccepted, caseId, {
    caseId,
    counterId: 'chaoyang-cbd',
    receiptNumber,
    acceptedAt: t.clock.now().toISOString(),
    issuanceDueAt: t.clock.now().toISOString(),
    issuanceDueProvisional: false,
  });
const claim = (caseId: string) =>
  event(EVENT_TYPES.claimRecorded, caseId, {
    caseId,
    counterId: 'haidian-zgc',
    claimedAt: t.clock.now().toISOString(),
  });
const withdrawal = (caseId: string) =>
  event(EVENT_TYPES.caseWithdrawn, caseId, {
    caseId,
    reference: 'OS-2026-000000',
    from: 'SUBMITTED',
    reason: null,
    withdrawnAt: t.clock.now().toISOString(),
  });

async function permitRow(caseId: string): Promise<Record<string, unknown> | null> {
  const rows = await t.runtime.ds.query(`SELECT * FROM rp.residence_permit WHERE case_id = $1`, [caseId]);
  return rows[0] ?? null;
}
async function eventsOf(caseId: string): Promise<{ type: string; counter_id: string | null }[]> {
  return t.runtime.ds.query(`SELECT type, counter_id FROM platform.event_log WHERE aggregate_id = $1 ORDER BY id`, [
    caseId,
  ]);
}

beforeAll(async () => {
  t = await startSubgraphTestRuntime(residencePermitSubgraph);
});
afterAll(async () => {
  await t?.stop();
});

describe('the case-event reactions, as system commands', () => {
  it('a filing creates the permit with its two events; a second delivery changes nothing', async () => {
    const { filing } = servicesOf(t.runtime);
    const caseId = randomUUID();
    await t.runtime.ds.transaction((tx) =>
      filing.createFromSubmission(submission(caseId, EVENT_TYPES.caseSubmitted), tx),
    );
    await t.runtime.ds.transaction((tx) =>
      filing.createFromSubmission(submission(caseId, EVENT_TYPES.caseSubmitted), tx),
    );
    expect(await permitRow(caseId)).toMatchObject({ status: 'AWAITING_DOCUMENTS', employer_id: employerId });
    expect((await eventsOf(caseId)).map((e) => e.type)).toEqual([
      EVENT_TYPES.residencePermitCreated,
      EVENT_TYPES.interviewRequirementChanged,
    ]);
  });

  it('a resubmission of a case never seen filed is taken as the filing', async () => {
    const { filing } = servicesOf(t.runtime);
    const caseId = randomUUID();
    await t.runtime.ds.transaction((tx) =>
      filing.applyResubmission(submission(caseId, EVENT_TYPES.caseResubmitted), tx),
    );
    expect(await permitRow(caseId)).toMatchObject({ status: 'AWAITING_DOCUMENTS' });
    expect(await eventsOf(caseId)).toHaveLength(2);
  });

  it('facts about a case without a permit are skipped: nothing written, the consumer’s transaction goes on', async () => {
    const { custody, filing } = servicesOf(t.runtime);
    const caseId = randomUUID();
    const after = await t.runtime.ds.transaction(async (tx) => {
      await custody.holdPassport(acceptance(caseId, `RA-2026-${String(700000 + seq)}`), tx);
      await custody.releasePassport(claim(caseId), tx);
      await filing.withdraw(withdrawal(caseId), tx);
      return tx.query(`SELECT 1 AS still_usable`);
    });
    expect(after).toEqual([{ still_usable: 1 }]);
    expect(await permitRow(caseId)).toBeNull();
    expect(await eventsOf(caseId)).toEqual([]);
  });

  it('acceptance holds the passport, a withdrawal after it is ignored, the claim releases it once with its event', async () => {
    const { custody, filing } = servicesOf(t.runtime);
    const caseId = randomUUID();
    const receipt = `RA-2026-${String(600000 + seq)}`;
    await t.runtime.ds.transaction((tx) =>
      filing.createFromSubmission(submission(caseId, EVENT_TYPES.caseSubmitted), tx),
    );
    await t.runtime.ds.transaction((tx) => custody.holdPassport(acceptance(caseId, receipt.toLowerCase()), tx));
    expect(await permitRow(caseId)).toMatchObject({ status: 'UNDER_REVIEW', receipt_number: receipt });
    await t.runtime.ds.transaction((tx) => filing.withdraw(withdrawal(caseId), tx));
    expect(await permitRow(caseId)).toMatchObject({ status: 'UNDER_REVIEW' });
    for (let i = 0; i < 2; i++) await t.runtime.ds.transaction((tx) => custody.releasePassport(claim(caseId), tx));
    expect(await permitRow(caseId)).toMatchObject({ passport_released_counter_id: 'haidian-zgc' });
    const released = (await eventsOf(caseId)).filter((e) => e.type === EVENT_TYPES.passportReleased);
    expect(released).toEqual([{ type: EVENT_TYPES.passportReleased, counter_id: 'haidian-zgc' }]);
  });

  it('a withdrawal before acceptance ends the application', async () => {
    const { filing } = servicesOf(t.runtime);
    const caseId = randomUUID();
    await t.runtime.ds.transaction((tx) =>
      filing.createFromSubmission(submission(caseId, EVENT_TYPES.caseSubmitted), tx),
    );
    await t.runtime.ds.transaction((tx) => filing.withdraw(withdrawal(caseId), tx));
    expect(await permitRow(caseId)).toMatchObject({ status: 'WITHDRAWN' });
  });
});
