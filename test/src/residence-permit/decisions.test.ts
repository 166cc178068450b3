/**
 * The Exit-Entry decision under pressure: a refusal is final against every mutation (seed §6.5;
 * only the identical refusal, retried, answers), two officers deciding at once produce exactly
 * one decision, and every change commits with its event or not at all.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@onestop/common/contract';
import {
  ok,
  startTestSystem,
  type TestSystem,
  ALL_VERIFIED,
  errorCode,
  seedResidenceCase,
  OPS,
  type TestCase,
  inMinutes,
  residencePermitActors,
} from '../testkit/index.js';

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

/** Decision events appended for the case. */
async function decisionEvents(c: TestCase): Promise<string[]> {
  const r = await sys.sql.query(
    `SELECT type FROM platform.event_log WHERE aggregate_id = $1 AND type = ANY($2) ORDER BY id`,
    [c.caseId, [EVENT_TYPES.residencePermitIssued, EVENT_TYPES.residencePermitRefused]],
  );
  return r.rows.map((x: { type: string }) => x.type);
}

describe('a refusal is final', () => {
  it('every later change is refused with FINAL_DECISION and writes nothing', async () => {
    // An applicant with no exemption, a face-to-face interview scheduled before acceptance and still open.
    const c = await seedResidenceCase(sys);
    const scheduled = ok(
      await sys.gql<{ scheduleVerification: { verifications: { id: string }[] } }>(
        OPS.schedule,
        {
          caseId: c.caseId,
          input: { idempotencyKey: randomUUID(), kind: 'FACE_TO_FACE_INTERVIEW', scheduledAt: await inMinutes(sys, 5) },
        },
        ee,
      ),
    );
    const verificationId = scheduled.scheduleVerification.verifications[0]!.id;
    await c.acceptDocuments();
    await sys.advanceClock(6 * 60_000);
    const refused = ok(
      await sys.gql<{ refuseResidencePermit: { status: string; decision: { outcome: string; reasons: string[] } } }>(
        OPS.refuse,
        { caseId: c.caseId, reasons: ['Purpose of stay not established', ' Employer letter inconsistent '] },
        ee,
      ),
    );
    expect(refused.refuseResidencePermit).toMatchObject({
      status: 'REFUSED',
      decision: { outcome: 'REFUSED', reasons: ['Purpose of stay not established', 'Employer letter inconsistent'] },
    });
    const events = await c.events(EVENT_TYPES.residencePermitRefused);
    expect(events.map((e) => e.payload)).toEqual([
      {
        caseId: c.caseId,
        reasons: ['Purpose of stay not established', 'Employer letter inconsistent'],
        decidedAt: expect.any(String),
      },
    ]);

    const attempts: [string, string, Record<string, unknown>, string][] = [
      [
        'issue',
        OPS.issue,
        { caseId: c.caseId, input: { permitNumber: 'RP-FINAL-1', validFrom: '2026-12-01', validUntil: '2027-12-01' } },
        ee,
      ],
      ['refuse again', OPS.refuse, { caseId: c.caseId, reasons: ['again'] }, ee2],
      ['demand an interview', OPS.demand, { caseId: c.caseId, reason: 'one more look' }, ee],
      [
        'schedule a verification',
        OPS.schedule,
        {
          caseId: c.caseId,
          input: { idempotencyKey: randomUUID(), kind: 'TELEPHONE_INTERVIEW', scheduledAt: await inMinutes(sys, 60) },
        },
        ee,
      ],
      ['record a verification', OPS.recordVerification, { id: verificationId, input: { outcome: 'CONFIRMED' } }, ee],
      ['change materials', OPS.recordMaterials, { caseId: c.caseId, items: ALL_VERIFIED }, clerk],
      [
        'declare exemptions and a proxy',
        OPS.declare,
        {
          caseId: c.caseId,
          input: {
            grounds: ['MOBILITY_ISSUES'],
            proxy: { kind: 'INVITING_UNIT', name: 'HR', idCopyReference: 'doc://1' },
          },
        },
        agency,
      ],
    ];
    for (const [what, query, vars, token] of attempts) {
      const before = await c.snapshot();
      const res = await sys.gql(query, vars, token);
      expect(errorCode(res), `${what}: ${JSON.stringify(res.errors)}`).toBe('FINAL_DECISION');
      expect(res.errors![0]!.message).toMatch(/refusal is final/);
      expect(await c.snapshot(), what).toBe(before);
    }
    expect(await decisionEvents(c)).toEqual([EVENT_TYPES.residencePermitRefused]);

    // The refusal itself asked for again (a retry after a lost response) is not a change: it
    // answers with the refused permit, as the first attempt did, and writes nothing.
    const before = await c.snapshot();
    const retried = ok(
      await sys.gql<{ refuseResidencePermit: { status: string; decision: { reasons: string[] } } }>(
        OPS.refuse,
        { caseId: c.caseId, reasons: ['Purpose of stay not established', 'Employer letter inconsistent'] },
        ee,
      ),
    );
    expect(retried.refuseResidencePermit).toEqual(refused.refuseResidencePermit);
    expect(await c.snapshot()).toBe(before);

    // The passport still goes back at the claim: custody is not a change to the decision.
    await c.recordClaim();
    expect(await c.events(EVENT_TYPES.passportReleased)).toHaveLength(1);
    expect((await c.row())!.status).toBe('REFUSED');
  });

  it('a refusal needs reasons; bad input and the wrong roles write nothing', async () => {
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const before = await c.snapshot();
    const empty = await sys.gql(OPS.refuse, { caseId: c.caseId, reasons: [] }, ee);
    expect(errorCode(empty)).toBe('BAD_USER_INPUT');
    expect(empty.errors![0]!.extensions!.problems).toEqual(['reasons must give at least one reason for the refusal']);
    const blank = await sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['ok', ''] }, ee);
    expect(blank.errors![0]!.extensions!.problems).toEqual(['reasons[1] is empty']);
    expect(errorCode(await sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['x'] }, null))).toBe('UNAUTHENTICATED');
    expect(errorCode(await sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['x'] }, agency))).toBe('FORBIDDEN');
    expect(errorCode(await sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['x'] }, clerk))).toBe('FORBIDDEN');
    expect(await c.snapshot()).toBe(before);
  });
});

describe('verifications the officer ordered', () => {
  it('an outstanding telephone interview or on-site investigation holds the issue back until its outcome is recorded', async () => {
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const ordered: string[] = [];
    for (const [kind, minutes] of [
      ['TELEPHONE_INTERVIEW', 30],
      ['ON_SITE_INVESTIGATION', 60],
    ] as const) {
      const input = { kind, scheduledAt: await inMinutes(sys, minutes), idempotencyKey: randomUUID() };
      const permit = ok(
        await sys.gql<{ scheduleVerification: { verifications: { id: string }[] } }>(
          OPS.schedule,
          { caseId: c.caseId, input },
          ee,
        ),
      );
      ordered.push(permit.scheduleVerification.verifications.at(-1)!.id);
    }
    const issue = {
      caseId: c.caseId,
      input: { permitNumber: `RP-V-${c.caseId.slice(0, 8)}`, validFrom: '2026-12-01', validUntil: '2027-11-30' },
    };
    const before = await c.snapshot();
    const held = await sys.gql(OPS.issue, issue, ee);
    expect(errorCode(held)).toBe('INVALID_TRANSITION');
    expect(held.errors![0]!.extensions).toMatchObject({ reason: 'VERIFICATION_OUTSTANDING', verificationIds: ordered });
    expect(held.errors![0]!.message).toMatch(
      /2 verifications are still outstanding \(TELEPHONE_INTERVIEW scheduled for .* \(Asia\/Shanghai\); ON_SITE_INVESTIGATION/,
    );
    expect(await c.snapshot()).toBe(before);
    expect(await decisionEvents(c)).toEqual([]);

    await sys.advanceClock(61 * 60_000);
    ok(await sys.gql(OPS.recordVerification, { id: ordered[0], input: { outcome: 'CONFIRMED' } }, ee));
    const stillOne = await sys.gql(OPS.issue, issue, ee);
    expect(stillOne.errors![0]!.extensions).toMatchObject({ verificationIds: [ordered[1]] });
    ok(await sys.gql(OPS.recordVerification, { id: ordered[1], input: { outcome: 'NO_SHOW' } }, ee));
    ok(await sys.gql(OPS.issue, issue, ee));
    expect(await decisionEvents(c)).toEqual([EVENT_TYPES.residencePermitIssued]);
  });
});

describe('two officers deciding at once', () => {
  it('exactly one decision; every other attempt gets INVALID_TRANSITION or FINAL_DECISION', async () => {
    for (let round = 0; round < 4; round++) {
      const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
      const attempts = Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? sys.gql(
              OPS.issue,
              {
                caseId: c.caseId,
                input: {
                  permitNumber: `RP-R${round}-${i}-${c.caseId.slice(0, 4)}`,
                  validFrom: '2026-12-01',
                  validUntil: '2027-12-01',
                },
              },
              i % 4 ? ee : ee2,
            )
          : sys.gql(OPS.refuse, { caseId: c.caseId, reasons: [`refusal ${i}`] }, i % 4 === 1 ? ee : ee2),
      );
      const results = await Promise.all(attempts);
      const winners = results.filter((r) => !r.errors);
      expect(winners, JSON.stringify(results.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK'))).toHaveLength(1);
      const winner = winners[0]!.data as {
        issueResidencePermit?: { status: string };
        refuseResidencePermit?: { status: string };
      };
      const decided = winner.issueResidencePermit ? 'ISSUED' : 'REFUSED';
      for (const r of results.filter((x) => x.errors)) {
        expect(errorCode(r)).toBe(decided === 'ISSUED' ? 'INVALID_TRANSITION' : 'FINAL_DECISION');
      }
      expect((await c.row())!.status).toBe(decided);
      expect(await decisionEvents(c)).toEqual([
        decided === 'ISSUED' ? EVENT_TYPES.residencePermitIssued : EVENT_TYPES.residencePermitRefused,
      ]);
    }
  });
});

describe('a change and its event commit together', () => {
  it('an append that fails rolls the refusal back: no status change, no event', async () => {
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const fn = `rp_test_fail_${c.caseId.replace(/-/g, '')}`;
    await sys.sql.query(`CREATE FUNCTION platform.${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.aggregate_id = '${c.caseId}' AND NEW.type = '${EVENT_TYPES.residencePermitRefused}' THEN
          RAISE EXCEPTION 'forced failure after the change';
        END IF;
        RETURN NEW;
      END $$`);
    await sys.sql.query(
      `CREATE TRIGGER ${fn} BEFORE INSERT ON platform.event_log FOR EACH ROW EXECUTE FUNCTION platform.${fn}()`,
    );
    try {
      const before = await c.snapshot();
      const res = await sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['x'] }, ee);
      expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
      expect(await c.snapshot()).toBe(before);
      expect((await c.row())!.status).toBe('UNDER_REVIEW');
    } finally {
      await sys.sql.query(`DROP TRIGGER ${fn} ON platform.event_log`);
      await sys.sql.query(`DROP FUNCTION platform.${fn}()`);
    }
    ok(await sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['x'] }, ee));
    expect(await decisionEvents(c)).toEqual([EVENT_TYPES.residencePermitRefused]);
  });

  it('a failure at commit, after the change and the append, leaves no event row', async () => {
    const c = await (await seedResidenceCase(sys, { route: 'RENEWAL' })).acceptDocuments();
    const fn = `rp_test_commit_${c.caseId.replace(/-/g, '')}`;
    await sys.sql.query(`CREATE FUNCTION rp.${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.case_id = '${c.caseId}' AND NEW.status = 'ISSUED' THEN
          RAISE EXCEPTION 'forced failure at commit';
        END IF;
        RETURN NULL;
      END $$`);
    // Deferred: it fires at COMMIT, after the UPDATE and after the event was appended.
    await sys.sql.query(
      `CREATE CONSTRAINT TRIGGER ${fn} AFTER UPDATE ON rp.residence_permit DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rp.${fn}()`,
    );
    const input = { permitNumber: `RP-C-${c.caseId.slice(0, 6)}`, validFrom: '2026-12-01', validUntil: '2027-12-01' };
    try {
      const before = await c.snapshot();
      const res = await sys.gql(OPS.issue, { caseId: c.caseId, input }, ee);
      expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
      expect(await c.snapshot()).toBe(before);
      expect(await decisionEvents(c)).toEqual([]);
    } finally {
      await sys.sql.query(`DROP TRIGGER ${fn} ON rp.residence_permit`);
      await sys.sql.query(`DROP FUNCTION rp.${fn}()`);
    }
    ok(await sys.gql(OPS.issue, { caseId: c.caseId, input }, ee));
    expect(await decisionEvents(c)).toEqual([EVENT_TYPES.residencePermitIssued]);
  });

  it('each change appends its events exactly once', async () => {
    const c = await seedResidenceCase(sys, { dateOfBirth: '1950-05-05' });
    const count = async (): Promise<Record<string, number>> => {
      const r = await sys.sql.query(
        `SELECT type, count(*)::int AS n FROM platform.event_log WHERE aggregate_id = $1 AND source = 'residence-permit' GROUP BY type`,
        [c.caseId],
      );
      return Object.fromEntries(r.rows.map((x: { type: string; n: number }) => [x.type, x.n]));
    };
    expect(await count()).toEqual({
      [EVENT_TYPES.residencePermitCreated]: 1,
      [EVENT_TYPES.interviewRequirementChanged]: 1,
    });
    ok(await sys.gql(OPS.recordMaterials, { caseId: c.caseId, items: ALL_VERIFIED }, clerk));
    ok(
      await sys.gql(
        OPS.declare,
        {
          caseId: c.caseId,
          input: { grounds: [], proxy: { kind: 'INVITING_UNIT', name: 'HR', idCopyReference: 'doc://2' } },
        },
        agency,
      ),
    );
    expect(await count()).toEqual({
      [EVENT_TYPES.residencePermitCreated]: 1,
      [EVENT_TYPES.interviewRequirementChanged]: 1,
      [EVENT_TYPES.residenceMaterialsChanged]: 1,
      [EVENT_TYPES.interviewExemptionDeclared]: 1,
    });
    await c.acceptDocuments();
    ok(
      await sys.gql(
        OPS.issue,
        {
          caseId: c.caseId,
          input: { permitNumber: `RP-E-${c.caseId.slice(0, 6)}`, validFrom: '2026-12-01', validUntil: '2027-12-01' },
        },
        ee,
      ),
    );
    await c.recordClaim();
    expect(await count()).toEqual({
      [EVENT_TYPES.residencePermitCreated]: 1,
      [EVENT_TYPES.interviewRequirementChanged]: 1,
      [EVENT_TYPES.residenceMaterialsChanged]: 1,
      [EVENT_TYPES.interviewExemptionDeclared]: 1,
      [EVENT_TYPES.residencePermitIssued]: 1,
      [EVENT_TYPES.passportReleased]: 1,
    });
  });
});
