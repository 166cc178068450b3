/**
 * Retries never double-count: `scheduleVerification` takes an idempotency key (per officer),
 * so an officer's client that retries after a timeout, or fires the same request several
 * times at once, schedules one verification and every attempt gets the same answer. The other
 * residence-permit mutations are retry-safe by their state: a repeated identical request
 * appends its event once, and answers like the original did (a decision or an outcome asked for
 * again exactly as recorded returns the permit), so the client can tell its success from a
 * failure. A different request is still refused, and only an actor allowed to make the
 * request ever gets the replayed answer.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@onestop/common/contract';
import {
  ok,
  startTestSystem,
  type GqlResponse,
  type TestSystem,
  ALL_VERIFIED,
  errorCode,
  directToSubgraph,
  seedResidenceCase,
  OPS,
  agencyToken,
  type TestCase,
  inMinutes,
  residencePermitActors,
  type PermitView,
} from '../testkit/index.js';

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
  expect(errorCode(res), JSON.stringify(res.errors)).toBe(expected);
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
      const c = await (await seedResidenceCase(sys)).acceptDocuments();
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
    const c = await (await seedResidenceCase(sys)).acceptDocuments();
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
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
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
    const c = await (await seedResidenceCase(sys)).acceptDocuments();
    const other = await (await seedResidenceCase(sys)).acceptDocuments();
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
    const cases = await Promise.all(
      Array.from({ length: 5 }, async () => (await seedResidenceCase(sys)).acceptDocuments()),
    );
    const key = randomUUID();
    const scheduledAt = await inMinutes(sys, 90);
    const results = await Promise.all(
      cases.map((c) => schedule(c.caseId, { idempotencyKey: key, kind: 'TELEPHONE_INTERVIEW', scheduledAt })),
    );
    const codes = results.map((r) => errorCode(r) ?? 'OK');
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
    const c = await (await seedResidenceCase(sys)).acceptDocuments();
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
    const c = await (await seedResidenceCase(sys)).acceptDocuments();
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
    const c = await (await seedResidenceCase(sys)).acceptDocuments();
    const vars = { idempotencyKey: randomUUID(), kind: 'TELEPHONE_INTERVIEW', scheduledAt: await inMinutes(sys, 30) };
    await refusedWithoutWrites([c], 'UNAUTHENTICATED', () => schedule(c.caseId, vars, null));
    await refusedWithoutWrites([c], 'FORBIDDEN', () => schedule(c.caseId, vars, agency));
    await refusedWithoutWrites([c], 'FORBIDDEN', () => schedule(c.caseId, vars, clerk));
    // The refused attempts did not use up the key.
    expect(ok(await schedule(c.caseId, vars)).scheduleVerification.verifications).toHaveLength(1);
  });
});

type Decided = Pick<PermitView, 'status' | 'verifications' | 'decision'>;

/** A case under review with one verification of `kind` that has taken place (not recorded yet). */
async function withVerificationHeld(kind = 'TELEPHONE_INTERVIEW'): Promise<{ c: TestCase; id: string }> {
  const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
  const s = ok(
    await schedule(c.caseId, { idempotencyKey: randomUUID(), kind, scheduledAt: await inMinutes(sys, 5) }),
  ).scheduleVerification;
  await sys.advanceClock(6 * 60_000);
  return { c, id: s.verifications[0]!.id };
}

function issueVars(c: TestCase, input: Partial<{ permitNumber: string; validFrom: string; validUntil: string }> = {}) {
  return {
    caseId: c.caseId,
    input: {
      permitNumber: `RP-I-${c.caseId.slice(0, 8).toUpperCase()}`,
      validFrom: '2026-12-01',
      validUntil: '2027-11-30',
      ...input,
    },
  };
}

describe('the other mutations are retry-safe: an identical request fired 5 times answers 5 times, appends its event once', () => {
  async function fiveTimes(query: string, vars: Record<string, unknown>, token: string): Promise<GqlResponse[]> {
    return Promise.all(Array.from({ length: 5 }, () => sys.gql(query, vars, token)));
  }
  const codes = (results: GqlResponse[]): string[] => results.map((r) => errorCode(r) ?? 'OK');

  it('recordVerificationOutcome: recorded once, every attempt answers with the recorded verification', async () => {
    const { c, id } = await withVerificationHeld('FACE_TO_FACE_INTERVIEW');
    const requirementBefore = (await c.events(EVENT_TYPES.interviewRequirementChanged)).length;
    const results = await fiveTimes(
      OPS.recordVerification,
      { id, input: { outcome: 'DISCREPANCY', notes: 'Start date differs from the contract' } },
      ee,
    );
    expect(codes(results)).toEqual(Array(5).fill('OK'));
    for (const r of results) {
      const p = ok(r as GqlResponse<{ recordVerificationOutcome: Decided }>).recordVerificationOutcome;
      expect(p.verifications).toEqual([
        expect.objectContaining({
          id,
          status: 'RECORDED',
          outcome: 'DISCREPANCY',
          notes: 'Start date differs from the contract',
        }),
      ]);
    }
    expect(await c.events(EVENT_TYPES.verificationRecorded)).toHaveLength(1);
    // The interview completed once.
    expect((await c.events(EVENT_TYPES.interviewRequirementChanged)).length - requirementBefore).toBe(1);
  });

  it('recordResidenceMaterials: every attempt answers, the checklist changes once', async () => {
    const c = await seedResidenceCase(sys);
    expect(codes(await fiveTimes(OPS.recordMaterials, { caseId: c.caseId, items: ALL_VERIFIED }, clerk))).toEqual(
      Array(5).fill('OK'),
    );
    expect(await c.events(EVENT_TYPES.residenceMaterialsChanged)).toHaveLength(1);
  });

  it('declareInterviewExemption and demandInterview: every attempt answers, each event once', async () => {
    const c = await seedResidenceCase(sys);
    const declared = { caseId: c.caseId, input: { grounds: ['MOBILITY_ISSUES'] } };
    expect(codes(await fiveTimes(OPS.declare, declared, agency))).toEqual(Array(5).fill('OK'));
    expect(await c.events(EVENT_TYPES.interviewExemptionDeclared)).toHaveLength(1);
    expect(codes(await fiveTimes(OPS.demand, { caseId: c.caseId, reason: 'Check the mobility claim' }, ee))).toEqual(
      Array(5).fill('OK'),
    );
    expect(await c.events(EVENT_TYPES.interviewDemanded)).toHaveLength(1);
  });

  it('issueResidencePermit: issued once, every attempt answers with the issued permit', async () => {
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const vars = issueVars(c);
    const results = await fiveTimes(OPS.issue, vars, ee);
    expect(codes(results)).toEqual(Array(5).fill('OK'));
    for (const r of results) {
      expect(ok(r as GqlResponse<{ issueResidencePermit: Decided }>).issueResidencePermit).toMatchObject({
        status: 'ISSUED',
        decision: { outcome: 'ISSUED', ...vars.input, decidedBy: 'ee_officer-test' },
      });
    }
    const issued = await c.events(EVENT_TYPES.residencePermitIssued);
    expect(issued).toHaveLength(1);
    expect(issued[0]!.payload).toMatchObject(vars.input);
  });

  it('refuseResidencePermit: refused once, every attempt answers with the refused permit', async () => {
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const reasons = ['Purpose of stay not established', 'Employer letter inconsistent'];
    const results = await fiveTimes(OPS.refuse, { caseId: c.caseId, reasons }, ee);
    expect(codes(results)).toEqual(Array(5).fill('OK'));
    for (const r of results) {
      expect(ok(r as GqlResponse<{ refuseResidencePermit: Decided }>).refuseResidencePermit).toMatchObject({
        status: 'REFUSED',
        decision: { outcome: 'REFUSED', reasons },
      });
    }
    expect(await c.events(EVENT_TYPES.residencePermitRefused)).toHaveLength(1);
  });
});

describe('a decision or an outcome asked for again', () => {
  it('issue: the identical request after completion answers with the permit (normalised as stored), writing nothing', async () => {
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const vars = issueVars(c);
    const first = ok(await sys.gql<{ issueResidencePermit: Decided }>(OPS.issue, vars, ee)).issueResidencePermit;
    const before = await c.snapshot();

    // The number as the officer may type it: lower case, surrounding spaces. Another officer
    // sending the same decision gets it too; it stays the first officer's decision.
    const typed = issueVars(c, { permitNumber: ` ${vars.input.permitNumber.toLowerCase()} ` });
    for (const token of [ee, ee2]) {
      const again = ok(await sys.gql<{ issueResidencePermit: Decided }>(OPS.issue, typed, token)).issueResidencePermit;
      expect(again).toEqual(first);
    }
    expect(await c.snapshot()).toBe(before);
    expect(await c.events(EVENT_TYPES.residencePermitIssued)).toHaveLength(1);
  });

  it('issue: a different number or validity is INVALID_TRANSITION saying what was issued, and writes nothing', async () => {
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const vars = issueVars(c);
    ok(await sys.gql(OPS.issue, vars, ee));
    const number = vars.input.permitNumber;

    const otherNumber = await refusedWithoutWrites([c], 'INVALID_TRANSITION', () =>
      sys.gql(OPS.issue, issueVars(c, { permitNumber: `${number}-2` }), ee),
    );
    expect(otherNumber.errors![0]!.message).toMatch(/already issued on \d{4}-\d{2}-\d{2} as /);
    expect(otherNumber.errors![0]!.message).toContain(`as ${number}, valid from 2026-12-01 to 2027-11-30`);
    expect(otherNumber.errors![0]!.extensions).toMatchObject({
      status: 'ISSUED',
      permitNumber: number,
      validFrom: '2026-12-01',
      validUntil: '2027-11-30',
      differences: [`permitNumber: ${number} issued, ${number}-2 requested`],
    });
    const otherValidity = await refusedWithoutWrites([c], 'INVALID_TRANSITION', () =>
      sys.gql(OPS.issue, issueVars(c, { validFrom: '2026-12-02', validUntil: '2028-11-30' }), ee),
    );
    expect(otherValidity.errors![0]!.extensions!.differences).toEqual([
      'validFrom: 2026-12-01 issued, 2026-12-02 requested',
      'validUntil: 2027-11-30 issued, 2028-11-30 requested',
    ]);
    // A refusal of an issued permit stays refused as before; bad input is still bad input.
    await refusedWithoutWrites([c], 'INVALID_TRANSITION', () =>
      sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['late'] }, ee),
    );
    await refusedWithoutWrites([c], 'BAD_USER_INPUT', () =>
      sys.gql(OPS.issue, issueVars(c, { validUntil: '2026-11-30' }), ee),
    );
    expect(await c.events(EVENT_TYPES.residencePermitIssued)).toHaveLength(1);
  });

  it('issue: identical and different issues racing: one issue, the identical ones answer, the others are refused', async () => {
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const same = issueVars(c);
    const different = issueVars(c, { permitNumber: `RP-J-${c.caseId.slice(0, 8).toUpperCase()}` });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => sys.gql(OPS.issue, i % 2 ? different : same, i % 4 < 2 ? ee : ee2)),
    );
    const issuedNumber = (await c.row())!.permit_number;
    const winner = issuedNumber === same.input.permitNumber ? 0 : 1;
    results.forEach((r, i) => {
      expect(errorCode(r) ?? 'OK', `attempt ${i}`).toBe(i % 2 === winner ? 'OK' : 'INVALID_TRANSITION');
    });
    expect(await c.events(EVENT_TYPES.residencePermitIssued)).toHaveLength(1);
  });

  it('recordVerificationOutcome: the identical outcome after completion answers, also once the permit is issued', async () => {
    const { c, id } = await withVerificationHeld();
    const first = ok(
      await sys.gql<{ recordVerificationOutcome: Decided }>(
        OPS.recordVerification,
        { id, input: { outcome: 'DISCREPANCY', notes: '  Employer could not confirm the start date ' } },
        ee,
      ),
    ).recordVerificationOutcome;
    expect(first.verifications[0]).toMatchObject({
      outcome: 'DISCREPANCY',
      notes: 'Employer could not confirm the start date',
    });
    const before = await c.snapshot();
    const input = { outcome: 'DISCREPANCY', notes: 'Employer could not confirm the start date' };
    const again = ok(
      await sys.gql<{ recordVerificationOutcome: Decided }>(OPS.recordVerification, { id, input }, ee2),
    ).recordVerificationOutcome;
    expect(again).toEqual(first);
    expect(again.verifications[0]!.recordedBy).toBe('ee_officer-test');
    expect(await c.snapshot()).toBe(before);

    ok(await sys.gql(OPS.issue, issueVars(c), ee));
    const afterIssue = await c.snapshot();
    const late = ok(
      await sys.gql<{ recordVerificationOutcome: Decided }>(OPS.recordVerification, { id, input }, ee),
    ).recordVerificationOutcome;
    expect(late.status).toBe('ISSUED');
    expect(late.verifications[0]).toMatchObject({ id, outcome: 'DISCREPANCY' });
    expect(await c.snapshot()).toBe(afterIssue);
    expect(await c.events(EVENT_TYPES.verificationRecorded)).toHaveLength(1);
  });

  it('recordVerificationOutcome: no notes, empty notes and blank notes are the same request', async () => {
    const { c, id } = await withVerificationHeld();
    ok(await sys.gql(OPS.recordVerification, { id, input: { outcome: 'CONFIRMED' } }, ee));
    const before = await c.snapshot();
    for (const notes of [undefined, null, '', '   ']) {
      const res = await sys.gql(OPS.recordVerification, { id, input: { outcome: 'CONFIRMED', notes } }, ee);
      expect(errorCode(res) ?? 'OK', JSON.stringify(notes)).toBe('OK');
    }
    expect(await c.snapshot()).toBe(before);
  });

  it('recordVerificationOutcome: a different outcome or notes is INVALID_TRANSITION naming the recorded outcome, writing nothing', async () => {
    const { c, id } = await withVerificationHeld();
    ok(await sys.gql(OPS.recordVerification, { id, input: { outcome: 'DISCREPANCY', notes: 'Address unknown' } }, ee));
    const otherOutcome = await refusedWithoutWrites([c], 'INVALID_TRANSITION', () =>
      sys.gql(OPS.recordVerification, { id, input: { outcome: 'CONFIRMED' } }, ee),
    );
    expect(otherOutcome.errors![0]!.message).toMatch(
      new RegExp(`Verification ${id} was already recorded as DISCREPANCY on `),
    );
    expect(otherOutcome.errors![0]!.extensions).toMatchObject({
      outcome: 'DISCREPANCY',
      recordedAt: expect.any(String),
      differences: ['outcome: DISCREPANCY recorded, CONFIRMED requested', 'notes: recorded, this request has none'],
    });
    const otherNotes = await refusedWithoutWrites([c], 'INVALID_TRANSITION', () =>
      sys.gql(OPS.recordVerification, { id, input: { outcome: 'DISCREPANCY', notes: 'Address differs' } }, ee),
    );
    expect(otherNotes.errors![0]!.extensions!.differences).toEqual(['notes: differ from the notes recorded']);
    // The officer's notes are not repeated in the error.
    expect(otherNotes.errors![0]!.message).not.toContain('Address unknown');
    expect(await c.events(EVENT_TYPES.verificationRecorded)).toHaveLength(1);
  });

  it('refuse: the identical refusal answers with the permit; other reasons, another order or any other change stay FINAL_DECISION', async () => {
    const { c, id } = await withVerificationHeld();
    ok(await sys.gql(OPS.recordVerification, { id, input: { outcome: 'NO_SHOW' } }, ee));
    const reasons = ['Purpose of stay not established', 'Employer letter inconsistent'];
    const first = ok(
      await sys.gql<{ refuseResidencePermit: Decided }>(
        OPS.refuse,
        { caseId: c.caseId, reasons: [` ${reasons[0]}`, `${reasons[1]} `] },
        ee,
      ),
    ).refuseResidencePermit;
    const before = await c.snapshot();

    const again = ok(
      await sys.gql<{ refuseResidencePermit: Decided }>(OPS.refuse, { caseId: c.caseId, reasons }, ee2),
    ).refuseResidencePermit;
    expect(again).toEqual(first);
    expect(again.decision).toMatchObject({ outcome: 'REFUSED', reasons, decidedBy: 'ee_officer-test' });
    // A verification outcome recorded before the refusal, asked for again, answers too.
    const recorded = ok(
      await sys.gql<{ recordVerificationOutcome: Decided }>(
        OPS.recordVerification,
        { id, input: { outcome: 'NO_SHOW' } },
        ee,
      ),
    ).recordVerificationOutcome;
    expect(recorded.status).toBe('REFUSED');
    expect(await c.snapshot()).toBe(before);

    for (const changed of [[...reasons].reverse(), reasons.slice(0, 1), [...reasons, 'Another reason']]) {
      const res = await refusedWithoutWrites([c], 'FINAL_DECISION', () =>
        sys.gql(OPS.refuse, { caseId: c.caseId, reasons: changed }, ee),
      );
      expect(res.errors![0]!.message).toMatch(/refusal is final/);
    }
    await refusedWithoutWrites([c], 'FINAL_DECISION', () => sys.gql(OPS.issue, issueVars(c), ee));
    await refusedWithoutWrites([c], 'FINAL_DECISION', () =>
      sys.gql(OPS.recordVerification, { id, input: { outcome: 'CONFIRMED' } }, ee),
    );
    expect(await c.events(EVENT_TYPES.residencePermitRefused)).toHaveLength(1);
  });

  it('only an actor allowed to make the request gets the replayed answer: the others are refused, learn nothing, write nothing', async () => {
    const issued = await withVerificationHeld();
    ok(await sys.gql(OPS.recordVerification, { id: issued.id, input: { outcome: 'CONFIRMED' } }, ee));
    const issue = issueVars(issued.c);
    ok(await sys.gql(OPS.issue, issue, ee));
    const refused = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const refusal = { caseId: refused.caseId, reasons: ['Employer could not be verified'] };
    ok(await sys.gql(OPS.refuse, refusal, ee));

    const [other, wp, manager] = await Promise.all([
      agencyToken(sys, 1),
      sys.token('WP_OFFICER'),
      sys.token('MANAGER'),
    ]);
    const replays: [string, string, Record<string, unknown>][] = [
      ['issue', OPS.issue, issue],
      ['record', OPS.recordVerification, { id: issued.id, input: { outcome: 'CONFIRMED' } }],
      ['refuse', OPS.refuse, refusal],
    ];
    const callers: [string, string | null, string][] = [
      ['anonymous', null, 'UNAUTHENTICATED'],
      ['our agency', agency, 'FORBIDDEN'],
      ['another agency', other, 'FORBIDDEN'],
      ['clerk', clerk, 'FORBIDDEN'],
      ['work-permit officer', wp, 'FORBIDDEN'],
      ['manager', manager, 'FORBIDDEN'],
    ];
    const secrets = [
      issue.input.permitNumber,
      issued.id,
      refused.caseId,
      issued.c.caseId,
      'CONFIRMED',
      'Employer could not',
    ];
    for (const [op, query, vars] of replays) {
      for (const [who, token, expected] of callers) {
        for (const send of [
          sys.gql.bind(sys),
          (q: string, v: Record<string, unknown>, t: string | null) =>
            directToSubgraph(sys, 'residence-permit', q, v, t),
        ]) {
          const res = await refusedWithoutWrites([issued.c, refused], expected, () => send(query, vars, token));
          expect(res.data ?? null, `${op} as ${who}`).toBeNull();
          const errors = JSON.stringify(res.errors);
          for (const secret of secrets) expect(errors, `${op} as ${who}`).not.toContain(secret);
        }
      }
    }
  });
});
