import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorFromClaims, commandPipeline, encodeCursor } from '@onestop/common';
import { decodeEvent, EVENT_TYPES, type EventType } from '@onestop/common/contract';
import { DEMO_EMPLOYERS } from '@onestop/common/testing';
import { AccessLogService } from '../access-log/access-log.service.js';
import { CaseLifecycleProjector, type LIFECYCLE_EVENT_TYPES } from './case-lifecycle.consumer.js';
import { WpIssuanceDue1796650000001 } from '../../migrations/1796650000001-issuance-due.js';
import { startTestRuntime, type TestRuntime } from '../../testing/test-runtime.js';
import { CaseQueryService } from '../case/case-query.service.js';
import { CaseEntity } from '../case/case.entity.js';

/**
 * The officers' work list order (issue 13, item 4): `DUE_ASC` sorts by the clock open on each
 * case (SUBMITTED: pre-examination due, ACCEPTED: the issuance due work-permit copies from
 * counter-scheduling's events), cases without one last, and pages through the keyset cursor
 * without losing or repeating a case.
 */
let t: TestRuntime;
let service: CaseQueryService;
let projector: CaseLifecycleProjector;
const officer = actorFromClaims({ sub: 'officer-1', role: 'WP_OFFICER' });
const T0 = Date.parse('2026-12-07T02:00:00Z');
const at = (days: number) => new Date(T0 + days * 86_400_000);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function insertCase(n: number, status: string, preExamDue: Date, issuanceDue: Date | null): Promise<void> {
  await t.runtime.ds.query(
    `INSERT INTO wp."case" (id, reference, employer_id, agency_id, filed_by, idempotency_key, filing_hash, route, notification_letter_number,
       category, applicant_full_name, applicant_nationality, applicant_passport_number, applicant_date_of_birth, applicant_sex,
       applicant_household_registration, attachments, contract_ends_on, passport_expires_on, status, submitted_at, pre_exam_started_at,
       pre_exam_due_at, pre_exam_due_provisional, return_count, presenter_kind, wp_status, rp_status, updated_at,
       accepted_at, issuance_due_at, issuance_due_provisional)
     VALUES ($1, 'DUE-' || $2, $3, 'bulk', 'bulk', 'due-' || $2, 'x', 'NOTIFICATION_LETTER', 'NL-' || $2, 'B', 'Applicant ' || $2, 'DEU',
       'PD' || $2, DATE '1990-01-01', 'MALE', 'NEVER_REGISTERED', '["Degree"]'::jsonb, DATE '2030-01-01', DATE '2031-01-01', $4,
       $5::timestamptz - interval '5 days', $5::timestamptz - interval '5 days', $5, false, 0, 'REGISTERED_HANDLER', 'PENDING', 'PENDING',
       $5::timestamptz - interval '5 days', $6, $7, $8)`,
    [
      id(n),
      String(n),
      DEMO_EMPLOYERS[0]!.id,
      status,
      preExamDue,
      status === 'ACCEPTED' || status === 'CLAIMED' ? at(-30) : null,
      issuanceDue,
      issuanceDue ? false : null,
    ],
  );
}

/** Runs an event of another subgraph through the lifecycle projector, as the consumer would. */
async function deliver(type: (typeof LIFECYCLE_EVENT_TYPES)[number], caseId: string, payload: Record<string, unknown>) {
  const event = decodeEvent<typeof type>({
    id: '1',
    type: type as EventType,
    source: 'counter-scheduling',
    aggregateId: caseId,
    employerId: DEMO_EMPLOYERS[0]!.id,
    counterId: 'chaoyang-cbd',
    payload,
    actorId: null,
    occurredAt: at(0),
    recordedAt: at(0),
  });
  await t.runtime.ds.transaction((tx) => projector.handle(event, tx));
}

async function issuanceDue(caseId: string): Promise<{ at: string | null; provisional: boolean | null }> {
  const c = await t.runtime.ds.getRepository(CaseEntity).findOneByOrFail({ id: caseId });
  return { at: c.issuanceDueAt?.toISOString() ?? null, provisional: c.issuanceDueProvisional };
}

beforeAll(async () => {
  t = await startTestRuntime();
  service = new CaseQueryService(t.runtime.ds, t.clock, new AccessLogService(t.runtime.ds, t.clock));
  projector = new CaseLifecycleProjector(commandPipeline(t.runtime), t.runtime.calendar, t.runtime.logger);
  await insertCase(1, 'SUBMITTED', at(1), null);
  await insertCase(2, 'SUBMITTED', at(3), null);
  await insertCase(3, 'ACCEPTED', at(-10), at(2)); // old pre-examination due: the issuance due counts
  await insertCase(4, 'SUBMITTED', at(2), null); // the same due as case 3: id decides
  await insertCase(5, 'ACCEPTED', at(-12), at(4));
  await insertCase(6, 'ACCEPTED', at(-14), null); // accepted with no due known: last
  await insertCase(7, 'CLAIMED', at(-20), at(-1)); // no open clock: last
  await insertCase(8, 'CHECKED_IN', at(-3), null); // accepted by the events below
  await insertCase(9, 'PRE_EXAM_PASSED', at(-40), null); // no open clock: last
});
afterAll(async () => {
  await t?.stop();
});

describe('the issuance due copied from counter-scheduling', () => {
  it('is stored from case.documents-accepted and moved by sla.deadline-changed (ISSUANCE only)', async () => {
    await deliver(EVENT_TYPES.documentsAccepted, id(8), {
      caseId: id(8),
      counterId: 'chaoyang-cbd',
      receiptNumber: 'R-8',
      acceptedAt: at(0).toISOString(),
      issuanceDueAt: at(5).toISOString(),
      issuanceDueProvisional: true,
    });
    expect(await issuanceDue(id(8))).toEqual({ at: at(5).toISOString(), provisional: true });
    const change = (kind: string, dueAt: Date) => ({
      clockId: `clock-${kind}`,
      caseId: id(8),
      kind,
      counterId: null,
      previousDueAt: at(5).toISOString(),
      dueAt: dueAt.toISOString(),
      previousProvisional: true,
      provisional: false,
      years: [2026],
      reason: 'calendar',
    });
    // Another clock's move leaves the issuance due alone.
    await deliver(EVENT_TYPES.slaDeadlineChanged, id(8), change('PASSPORT_CUSTODY', at(9)));
    expect(await issuanceDue(id(8))).toEqual({ at: at(5).toISOString(), provisional: true });
    await deliver(EVENT_TYPES.slaDeadlineChanged, id(8), change('ISSUANCE', at(0.5)));
    expect(await issuanceDue(id(8))).toEqual({ at: at(0.5).toISOString(), provisional: false });
  });
});

describe('cases(orderBy: DUE_ASC)', () => {
  const expected = [8, 1, 3, 4, 2, 5, 6, 7, 9].map(id);

  it('pages mixed SUBMITTED and ACCEPTED cases in open-clock due order, none lost or repeated, no clock last', async () => {
    const seen: string[] = [];
    const pages: number[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page = await service.list(officer, { first: 2, after, orderBy: 'DUE_ASC' });
      seen.push(...page.nodes.map((c) => c.id));
      pages.push(page.nodes.length);
      if (!page.hasNextPage) break;
      after = page.cursorOf(page.nodes.at(-1)!);
    }
    expect(seen).toEqual(expected);
    expect(pages).toEqual([2, 2, 2, 2, 1]);
  });

  it('filtered to the WP officer preset, pages of 3 give the same order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page = await service.list(officer, {
        filter: { statuses: ['SUBMITTED', 'ACCEPTED'] },
        first: 3,
        after,
        orderBy: 'DUE_ASC',
      });
      seen.push(...page.nodes.map((c) => c.id));
      if (!page.hasNextPage) break;
      after = page.cursorOf(page.nodes.at(-1)!);
    }
    expect(seen).toEqual([8, 1, 3, 4, 2, 5, 6].map(id));
  });

  it('a cursor past the open clocks continues among the cases without one', async () => {
    const after = encodeCursor(['DUE_ASC', 'infinity', id(6)]);
    const page = await service.list(officer, { first: 5, after, orderBy: 'DUE_ASC' });
    expect(page.nodes.map((c) => c.id)).toEqual([id(7), id(9)]);
    expect(page.hasNextPage).toBe(false);
  });

  it('refuses a cursor of another order', async () => {
    const after = encodeCursor(['PRE_EXAM_DUE_ASC', at(0).toISOString(), id(1)]);
    await expect(service.list(officer, { first: 5, after, orderBy: 'DUE_ASC' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('migration 1796650000001', () => {
  it('backfills the issuance due of accepted cases from the latest documents-accepted / ISSUANCE deadline change in the log', async () => {
    const log = (type: string, caseId: string, payload: Record<string, unknown>) =>
      t.runtime.ds.query(
        `INSERT INTO platform.event_log (type, source, aggregate_id, payload, occurred_at) VALUES ($1, 'counter-scheduling', $2, $3, now())`,
        [type, caseId, JSON.stringify({ caseId, ...payload })],
      );
    const accepted = (due: Date) => ({
      counterId: 'chaoyang-cbd',
      receiptNumber: 'R',
      acceptedAt: at(-1).toISOString(),
      issuanceDueAt: due.toISOString(),
      issuanceDueProvisional: true,
    });
    const moved = (kind: string, due: Date) => ({ clockId: 'k', kind, dueAt: due.toISOString(), provisional: false });
    await log('case.documents-accepted', id(6), accepted(at(6)));
    await log('sla.deadline-changed', id(6), moved('ISSUANCE', at(7)));
    await log('sla.deadline-changed', id(6), moved('PASSPORT_CUSTODY', at(30)));
    await log('case.documents-accepted', id(5), accepted(at(4)));
    await log('case.documents-accepted', id(1), accepted(at(9))); // never accepted here: not copied
    const migration = new WpIssuanceDue1796650000001();
    const runner = t.runtime.ds.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await issuanceDue(id(6))).toEqual({ at: at(7).toISOString(), provisional: false });
    expect(await issuanceDue(id(5))).toEqual({ at: at(4).toISOString(), provisional: true });
    expect(await issuanceDue(id(1))).toEqual({ at: null, provisional: null });
    expect(await issuanceDue(id(3))).toEqual({ at: null, provisional: null }); // no event in the log
  });
});
