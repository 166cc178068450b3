/**
 * Retries never double-count: `scheduleVerification` takes an idempotency key (per officer),
 * so an officer's client that retries after a timeout, or fires the same request several
 * times at once, schedules one verification and every attempt gets the same answer. The other
 * residence-permit mutations are retry-safe by their state: a repeated identical request
 * appends its event once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@onestop/common';
import { ok, startTestSystem, type GqlResponse, type TestSystem } from './testkit/index.js';
import {
  ALL_VERIFIED,
  code,
  fileCase,
  OPS,
  type TestCase,
  inMinutes,
  residencePermitActors,
} from './residence-permit-fixtures.js';

interface Answer {
  id: string;
  status: string;
  verifications: { id: string; kind: string; status: string; scheduledAt: string; outcome: string | null }[];
}
type ScheduleAnswer = { scheduleVerification: Answer };

let sys: TestSystem;
let ee: string;
let ee2: string;
let clerk: string;
let agency: string;

beforeAll(async () => {
  sys = await startTestSystem();
  ({ ee, ee2, clerk, agency } = await residencePermitActors(sys));
});
afterAll(async () => {
  await sys?.stop();
});

/** Runs `op`, expects the error code and that nothing about any of `cases` changed. */
async function refusedWithoutWrites(
  cases: TestCase[],
  expected: string,
  op: () => Promise<GqlResponse>,
): Promise<GqlResponse> {
  const before = await Promise.all(cases.map((c) => c.snapshot()));
  const res = await op();
  expect(code(res), JSON.stringify(res.errors)).toBe(expected);
  expect(await Promise.all(cases.map((c) => c.snapshot()))).toEqual(before);
  return res;
}

/** The verification rows scheduled with `key`, by any officer. */
async function rowsWithKey(key: string): Promise<{ id: string; case_id: string; scheduled_by: string }[]> {
  const r = await sys.sql.query(
    'SELECT id, case_id, scheduled_by FROM rp.verification WHERE idempotency_key = $1 ORDER BY created_at, id',
    [key],
  );
  return r.rows;
}

function schedule(
  caseId: string,
  input: Record<string, unknown>,
  token: string | null = ee,
): Promise<GqlResponse<ScheduleAnswer>> {
  return sys.gql<ScheduleAnswer>(OPS.schedule, { caseId, input }, token);
}

describe('scheduleVerification with an idempotency key', () => {
  it.each(['TELEPHONE_INTERVIEW', 'FACE_TO_FACE_INTERVIEW'])(
    '%s: the same request fired 5 times at once schedules once, and all 5 answer with that verification',
    async (kind) => {
      const c = await (await fileCase(sys)).acceptDocuments();
      const requirementBefore = (await c.events(EVENT_TYPES.interviewRequirementChanged)).length;
      const key = randomUUID();
      const input = {
        idempotencyKey: key,
        kind,
        scheduledAt: await inMinutes(sys, 45),
        location: 'Exit-Entry, Room 2',
      };

      const answers = (await Promise.all(Array.from({ length: 5 }, () => schedule(c.caseId, input)))).map(
        (r) => ok(r).scheduleVerification,
      );

      const rows = await rowsWithKey(key);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ case_id: c.caseId, scheduled_by: 'ee_officer-test' });
      for (const a of answers) {
        expect(a.verifications.map((v) => v.id)).toEqual([rows[0]!.id]);
        expect(a.verifications[0]).toMatchObject({ kind, status: 'SCHEDULED' });
      }
      const scheduled = await c.events(EVENT_TYPES.verificationScheduled);
      expect(scheduled).toHaveLength(1);
      expect(scheduled[0]!.payload).toMatchObject({ verificationId: rows[0]!.id, kind });
      // A face-to-face interview moves the requirement to "scheduled" once; a telephone interview never does.
      expect((await c.events(EVENT_TYPES.interviewRequirementChanged)).length - requirementBefore).toBe(
        kind === 'FACE_TO_FACE_INTERVIEW' ? 1 : 0,
      );
    },
  );

  it('a replay after completion returns the original verification and writes nothing, also once its time has passed', async () => {
    const c = await (await fileCase(sys)).acceptDocuments();
    const input = {
      idempotencyKey: randomUUID(),
      kind: 'ON_SITE_INVESTIGATION',
      scheduledAt: await inMinutes(sys, 10),
    };
    const first = ok(await schedule(c.caseId, input)).scheduleVerification;
    expect(first.verifications).toHaveLength(1);

    const before = await c.snapshot();
    const replay = ok(await schedule(c.caseId, input)).scheduleVerification;
    expect(replay.verifications.map((v) => v.id)).toEqual([first.verifications[0]!.id]);
    expect(await c.snapshot()).toBe(before);

    // The retry arrives after the scheduled time (a new request for that time would be bad input).
    await sys.advanceClock(11 * 60_000);
    const late = ok(await schedule(c.caseId, input)).scheduleVerification;
    expect(late.verifications.map((v) => v.id)).toEqual([first.verifications[0]!.id]);
    expect(await c.snapshot()).toBe(before);
    const fresh = await refusedWithoutWrites([c], 'BAD_USER_INPUT', () =>
      schedule(c.caseId, { ...input, idempotencyKey: randomUUID() }),
    );
    expect(fresh.errors![0]!.extensions!.problems).toEqual([
      expect.stringMatching(/^scheduledAt must be in the future/),
    ]);
    expect(await c.events(EVENT_TYPES.verificationScheduled)).toHaveLength(1);
  });

  it('a replay after the refusal still gets its answer; a new request is FINAL_DECISION', async () => {
    const c = await (await fileCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const input = { idempotencyKey: randomUUID(), kind: 'TELEPHONE_INTERVIEW', scheduledAt: await inMinutes(sys, 30) };
    const first = ok(await schedule(c.caseId, input)).scheduleVerification;
    ok(await sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['Employer could not be verified'] }, ee));

    const before = await c.snapshot();
    const replay = ok(await schedule(c.caseId, input)).scheduleVerification;
    expect(replay.status).toBe('REFUSED');
    expect(replay.verifications.map((v) => v.id)).toEqual([first.verifications[0]!.id]);
    expect(await c.snapshot()).toBe(before);
    await refusedWithoutWrites([c], 'FINAL_DECISION', () =>
      schedule(c.caseId, { ...input, idempotencyKey: randomUUID() }),
    );
  });

  it('the same key with a different request is CONFLICT naming the difference, and writes nothing', async () => {
    const c = await (await fileCase(sys)).acceptDocuments();
    const other = await (await fileCase(sys)).acceptDocuments();
    const key = randomUUID();
    const input = { idempotencyKey: key, kind: 'TELEPHONE_INTERVIEW', scheduledAt: await inMinutes(sys, 60) };
    const first = ok(await schedule(c.caseId, input)).scheduleVerification;
    const id = first.verifications[0]!.id;

    const variants: [Record<string, unknown>, string, string[]][] = [
      [
        { ...input, kind: 'ON_SITE_INVESTIGATION' },
        c.caseId,
        ['kind: TELEPHONE_INTERVIEW before, ON_SITE_INVESTIGATION now'],
      ],
      [{ ...input, location: 'Room 9' }, c.caseId, ['location: null before, "Room 9" now']],
      [
        { ...input, scheduledAt: new Date(Date.parse(input.scheduledAt) + 60_000).toISOString() },
        c.caseId,
        [expect.stringMatching(/^scheduledAt: .* before, .* now$/) as unknown as string],
      ],
      [input, other.caseId, [`caseId: ${c.caseId} before, ${other.caseId} now`]],
    ];
    for (const [changed, caseId, differences] of variants) {
      const res = await refusedWithoutWrites([c, other], 'CONFLICT', () => schedule(caseId, changed));
      expect(res.errors![0]!.message).toContain(`"${key}" was already used for verification ${id}`);
      expect(res.errors![0]!.extensions!.verificationId).toBe(id);
      expect(res.errors![0]!.extensions!.differences).toEqual(differences);
    }
    expect(await rowsWithKey(key)).toHaveLength(1);
  });

  it('one key sent for five different cases at once: one is scheduled, the others are CONFLICT', async () => {
    const cases = await Promise.all(Array.from({ length: 5 }, async () => (await fileCase(sys)).acceptDocuments()));
    const key = randomUUID();
    const scheduledAt = await inMinutes(sys, 90);
    const results = await Promise.all(
      cases.map((c) => schedule(c.caseId, { idempotencyKey: key, kind: 'TELEPHONE_INTERVIEW', scheduledAt })),
    );
    const codes = results.map((r) => code(r) ?? 'OK');
    expect(codes.filter((x) => x === 'OK')).toHaveLength(1);
    expect(codes.filter((x) => x === 'CONFLICT')).toHaveLength(4);
    const rows = await rowsWithKey(key);
    expect(rows).toHaveLength(1);
    const winner = cases[codes.indexOf('OK')]!;
    expect(rows[0]!.case_id).toBe(winner.caseId);
    for (const c of cases) {
      expect(await c.events(EVENT_TYPES.verificationScheduled)).toHaveLength(c === winner ? 1 : 0);
    }
  });

  it('keys are per officer: another officer using the same key schedules their own verification', async () => {
    const c = await (await fileCase(sys)).acceptDocuments();
    const input = { idempotencyKey: randomUUID(), kind: 'TELEPHONE_INTERVIEW', scheduledAt: await inMinutes(sys, 20) };
    ok(await schedule(c.caseId, input, ee));
    const second = ok(await schedule(c.caseId, input, ee2)).scheduleVerification;
    expect(second.verifications).toHaveLength(2);
    expect((await rowsWithKey(input.idempotencyKey)).map((r) => r.scheduled_by)).toEqual([
      'ee_officer-test',
      'ee-officer-2',
    ]);
  });

  it('the key is required and checked; bad input lists every problem and writes nothing', async () => {
    const c = await (await fileCase(sys)).acceptDocuments();
    const scheduledAt = await inMinutes(sys, 30);
    const missing = await refusedWithoutWrites([c], 'BAD_USER_INPUT', () =>
      schedule(c.caseId, { kind: 'TELEPHONE_INTERVIEW', scheduledAt }),
    );
    expect(missing.errors![0]!.message).toMatch(/idempotencyKey/);
    const blank = await refusedWithoutWrites([c], 'BAD_USER_INPUT', () =>
      schedule(c.caseId, { idempotencyKey: '   ', kind: 'TELEPHONE_INTERVIEW', scheduledAt }),
    );
    expect(blank.errors![0]!.extensions!.problems).toEqual(['idempotencyKey must not be empty']);
    const several = await refusedWithoutWrites([c], 'BAD_USER_INPUT', () =>
      schedule(c.caseId, {
        idempotencyKey: 'k'.repeat(201),
        kind: 'TELEPHONE_INTERVIEW',
        scheduledAt: '2020-01-01T00:00:00Z',
        location: 'x'.repeat(301),
      }),
    );
    expect(several.errors![0]!.extensions!.problems).toEqual([
      'location must be at most 300 characters',
      'idempotencyKey must be at most 200 characters',
      expect.stringMatching(/^scheduledAt must be in the future/),
    ]);
  });

  it('rejects the unauthenticated and the roles that may not verify, writing nothing', async () => {
    const c = await (await fileCase(sys)).acceptDocuments();
    const vars = { idempotencyKey: randomUUID(), kind: 'TELEPHONE_INTERVIEW', scheduledAt: await inMinutes(sys, 30) };
    await refusedWithoutWrites([c], 'UNAUTHENTICATED', () => schedule(c.caseId, vars, null));
    await refusedWithoutWrites([c], 'FORBIDDEN', () => schedule(c.caseId, vars, agency));
    await refusedWithoutWrites([c], 'FORBIDDEN', () => schedule(c.caseId, vars, clerk));
    // The refused attempts did not use up the key.
    expect(ok(await schedule(c.caseId, vars)).scheduleVerification.verifications).toHaveLength(1);
  });
});

describe('the other mutations are retry-safe: an identical request fired 5 times appends its event once', () => {
  async function fiveTimes(query: string, vars: Record<string, unknown>, token: string): Promise<string[]> {
    const results = await Promise.all(Array.from({ length: 5 }, () => sys.gql(query, vars, token)));
    return results.map((r) => code(r) ?? 'OK');
  }

  it('recordVerificationOutcome: recorded once, the other attempts are INVALID_TRANSITION', async () => {
    const c = await (await fileCase(sys)).acceptDocuments();
    const scheduledAt = await inMinutes(sys, 5);
    const s = ok(
      await schedule(c.caseId, { idempotencyKey: randomUUID(), kind: 'FACE_TO_FACE_INTERVIEW', scheduledAt }),
    );
    await sys.advanceClock(6 * 60_000);
    const id = s.scheduleVerification.verifications[0]!.id;
    const codes = await fiveTimes(OPS.recordVerification, { id, input: { outcome: 'CONFIRMED' } }, ee);
    expect(codes.sort()).toEqual([
      'INVALID_TRANSITION',
      'INVALID_TRANSITION',
      'INVALID_TRANSITION',
      'INVALID_TRANSITION',
      'OK',
    ]);
    expect(await c.events(EVENT_TYPES.verificationRecorded)).toHaveLength(1);
  });

  it('recordResidenceMaterials: every attempt answers, the checklist changes once', async () => {
    const c = await fileCase(sys);
    expect(await fiveTimes(OPS.recordMaterials, { caseId: c.caseId, items: ALL_VERIFIED }, clerk)).toEqual(
      Array(5).fill('OK'),
    );
    expect(await c.events(EVENT_TYPES.residenceMaterialsChanged)).toHaveLength(1);
  });

  it('declareInterviewExemption and demandInterview: every attempt answers, each event once', async () => {
    const c = await fileCase(sys);
    const declared = { caseId: c.caseId, input: { grounds: ['MOBILITY_ISSUES'] } };
    expect(await fiveTimes(OPS.declare, declared, agency)).toEqual(Array(5).fill('OK'));
    expect(await c.events(EVENT_TYPES.interviewExemptionDeclared)).toHaveLength(1);
    expect(await fiveTimes(OPS.demand, { caseId: c.caseId, reason: 'Check the mobility claim' }, ee)).toEqual(
      Array(5).fill('OK'),
    );
    expect(await c.events(EVENT_TYPES.interviewDemanded)).toHaveLength(1);
  });

  it('issueResidencePermit: issued once, the other attempts are INVALID_TRANSITION', async () => {
    const c = await (await fileCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const vars = {
      caseId: c.caseId,
      input: { permitNumber: `RP-I-${c.caseId.slice(0, 8)}`, validFrom: '2026-12-01', validUntil: '2027-11-30' },
    };
    const codes = await fiveTimes(OPS.issue, vars, ee);
    expect(codes.sort()).toEqual([
      'INVALID_TRANSITION',
      'INVALID_TRANSITION',
      'INVALID_TRANSITION',
      'INVALID_TRANSITION',
      'OK',
    ]);
    expect(await c.events(EVENT_TYPES.residencePermitIssued)).toHaveLength(1);
  });
});
