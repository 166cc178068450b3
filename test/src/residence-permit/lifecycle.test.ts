/**
 * residence-permit through the gateway: the permit created from the filing, the materials
 * checklist, the interview rule (every exemption, the proxy, the demanded interview),
 * verification and the decision. Cases are filed by appending work-permit's and
 * counter-scheduling's events, as those subgraphs do.
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
  seedResidenceCase,
  GET_PERMIT,
  OPS,
  agencyToken,
  type TestCase,
  inMinutes,
  type PermitView,
} from '../testkit/index.js';

let sys: TestSystem;
let ee: string;
let clerk: string;
let agency: string;
let other: string;
let manager: string;

beforeAll(async () => {
  sys = await startTestSystem();
  [ee, clerk, agency, other, manager] = await Promise.all([
    sys.token('EE_OFFICER', { name: 'Officer Wang' }),
    sys.token('CLERK', { name: 'Clerk Li' }),
    agencyToken(sys),
    agencyToken(sys, 1),
    sys.token('MANAGER'),
  ]);
});
afterAll(async () => {
  await sys?.stop();
});

async function permitOf(c: TestCase, token = ee): Promise<PermitView> {
  const res = await sys.gql<{ residencePermit: PermitView }>(GET_PERMIT, { caseId: c.caseId }, token);
  expect(res.errors).toBeUndefined();
  return res.data!.residencePermit;
}

/** Runs `op`, expects the error code and that nothing about the case changed. */
async function refusedWithoutWrites(
  c: TestCase,
  expected: string,
  op: () => Promise<GqlResponse>,
): Promise<GqlResponse> {
  const before = await c.snapshot();
  const res = await op();
  expect(errorCode(res), JSON.stringify(res.errors)).toBe(expected);
  expect(await c.snapshot()).toBe(before);
  return res;
}

/** A business time `minutes` ahead of the shared clock. */
describe('the permit is created when the case is filed', () => {
  it('reacts to case.submitted: AWAITING_DOCUMENTS, checklist empty, interview rule applied, created event once', async () => {
    const c = await seedResidenceCase(sys);
    const p = await permitOf(c);
    expect(p.status).toBe('AWAITING_DOCUMENTS');
    expect(p.materials).toMatchObject({ complete: false });
    expect(p.materials.missing).toHaveLength(4);
    expect(p.interview).toMatchObject({
      required: true,
      exemptions: [],
      status: 'PENDING',
      satisfied: false,
      scheduled: false,
    });
    const created = await c.events(EVENT_TYPES.residencePermitCreated);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      employer_id: c.employerId,
      payload: { caseId: c.caseId, residencePermitId: p.id, status: 'AWAITING_DOCUMENTS' },
    });
    expect(created[0]!.payload.interview).toMatchObject({ required: true, satisfied: false, scheduled: false });
    const requirement = await c.events(EVENT_TYPES.interviewRequirementChanged);
    expect(requirement.map((e) => e.payload)).toEqual([
      {
        caseId: c.caseId,
        required: true,
        satisfied: false,
        scheduled: false,
        completed: false,
        exemptions: [],
        reason: p.interview.reason,
      },
    ]);
  });

  it('a second delivery of the same filing creates nothing more', async () => {
    const c = await seedResidenceCase(sys);
    await c.submit(); // appends case.submitted again for the same case
    await seedResidenceCase(sys); // handled after the duplicate, in log order
    const rows = await sys.sql.query('SELECT count(*)::int AS n FROM rp.residence_permit WHERE case_id = $1', [
      c.caseId,
    ]);
    expect(rows.rows[0].n).toBe(1);
    expect(await c.events(EVENT_TYPES.residencePermitCreated)).toHaveLength(1);
  });

  it('a withdrawn case ends the application; commands are then refused', async () => {
    const c = await seedResidenceCase(sys);
    await c.withdraw();
    expect((await permitOf(c)).status).toBe('WITHDRAWN');
    const res = await refusedWithoutWrites(c, 'INVALID_TRANSITION', () =>
      sys.gql(OPS.recordMaterials, { caseId: c.caseId, items: ALL_VERIFIED }, clerk),
    );
    expect(res.errors![0]!.message).toMatch(/withdrawn/);
  });
});

describe('materials checklist (CLERK)', () => {
  it('records items with who, when and which counter; appends materials-changed {complete, missing}', async () => {
    const c = await seedResidenceCase(sys);
    let p = ok(
      await sys.gql<{ recordResidenceMaterials: PermitView }>(
        OPS.recordMaterials,
        { caseId: c.caseId, items: [{ item: 'PASSPORT', state: 'PRESENT' }] },
        clerk,
      ),
    ).recordResidenceMaterials;
    expect(p.materials.complete).toBe(false);
    expect(p.materials.missing).toHaveLength(4);
    expect(p.materials.items[0]).toMatchObject({
      item: 'PASSPORT',
      state: 'PRESENT',
      recordedBy: 'clerk-test',
      counterId: 'chaoyang-cbd',
    });
    expect(p.materials.items[0]!.recordedAt).toBeTruthy();
    p = ok(
      await sys.gql<{ recordResidenceMaterials: PermitView }>(
        OPS.recordMaterials,
        { caseId: c.caseId, items: ALL_VERIFIED },
        clerk,
      ),
    ).recordResidenceMaterials;
    expect(p.materials).toMatchObject({ complete: true, missing: [] });
    const events = await c.events(EVENT_TYPES.residenceMaterialsChanged);
    expect(events.map((e) => e.payload)).toEqual([
      { caseId: c.caseId, complete: false, missing: expect.arrayContaining([expect.stringMatching(/passport/i)]) },
      { caseId: c.caseId, complete: true, missing: [] },
    ]);
    expect(events[1]).toMatchObject({ employer_id: c.employerId, actor_id: 'clerk-test' });
  });

  it('recording exactly what is recorded writes nothing', async () => {
    const c = await seedResidenceCase(sys);
    ok(await sys.gql(OPS.recordMaterials, { caseId: c.caseId, items: ALL_VERIFIED }, clerk));
    const before = await c.snapshot();
    ok(await sys.gql(OPS.recordMaterials, { caseId: c.caseId, items: ALL_VERIFIED }, clerk));
    expect(await c.snapshot()).toBe(before);
  });

  it('rejects the unauthenticated, other roles and the wrong scope', async () => {
    const c = await seedResidenceCase(sys);
    const vars = { caseId: c.caseId, items: ALL_VERIFIED };
    await refusedWithoutWrites(c, 'UNAUTHENTICATED', () => sys.gql(OPS.recordMaterials, vars, null));
    await refusedWithoutWrites(c, 'FORBIDDEN', () => sys.gql(OPS.recordMaterials, vars, agency));
    await refusedWithoutWrites(c, 'FORBIDDEN', () => sys.gql(OPS.recordMaterials, vars, ee));
    await refusedWithoutWrites(c, 'NOT_FOUND', () =>
      sys.gql(OPS.recordMaterials, { ...vars, caseId: '00000000-0000-4000-8000-000000000000' }, clerk),
    );
  });

  it('bad input names every problem and writes nothing', async () => {
    const c = await seedResidenceCase(sys);
    const res = await refusedWithoutWrites(c, 'BAD_USER_INPUT', () =>
      sys.gql(
        OPS.recordMaterials,
        {
          caseId: c.caseId,
          items: [
            { item: 'PASSPORT', state: 'VERIFIED' },
            {
              item: 'APPLICATION_FORM',
              state: 'VERIFIED',
              applicationForm: { blackInk: false, colourPhoto2Inch: true, whiteBackground: false, noHeadwear: true },
            },
            { item: 'PASSPORT', state: 'PRESENT' },
          ],
        },
        clerk,
      ),
    );
    expect(res.errors![0]!.extensions!.problems).toEqual([
      'items[1]: the application form cannot be verified: the form must be filled in black ink',
      'items[1]: the application form cannot be verified: the photo must have a white background',
      'items[2]: PASSPORT is listed more than once',
    ]);
  });

  it('is fixed once the documents are accepted', async () => {
    const c = await seedResidenceCase(sys);
    await c.acceptDocuments();
    const res = await refusedWithoutWrites(c, 'INVALID_TRANSITION', () =>
      sys.gql(OPS.recordMaterials, { caseId: c.caseId, items: ALL_VERIFIED }, clerk),
    );
    expect(res.errors![0]!.message).toMatch(/already accepted/);
  });
});

describe('the interview rule', () => {
  it('aged 60 exactly on the filing date: exempt', async () => {
    const c = await seedResidenceCase(sys, { filedOn: '2026-03-02', dateOfBirth: '1966-03-02' });
    const p = await permitOf(c);
    expect(p.interview).toMatchObject({
      required: false,
      exemptions: ['AGED_60_OR_OVER'],
      status: 'NOT_REQUIRED',
      satisfied: true,
    });
    expect(p.interview.reason).toMatch(/aged 60 or over on the filing date/);
    expect((await c.events(EVENT_TYPES.interviewRequirementChanged))[0]!.payload).toMatchObject({
      required: false,
      satisfied: true,
      exemptions: ['AGED_60_OR_OVER'],
    });
  });

  it('the day before the 60th birthday: not exempt', async () => {
    const c = await seedResidenceCase(sys, { filedOn: '2026-03-02', dateOfBirth: '1966-03-03' });
    expect((await permitOf(c)).interview).toMatchObject({ required: true, exemptions: [] });
  });

  it('a 29 February birthday is 60 on 29 February of a leap year, not on the 28th', async () => {
    const before = await seedResidenceCase(sys, { filedOn: '2028-02-28', dateOfBirth: '1968-02-29' });
    const on = await seedResidenceCase(sys, { filedOn: '2028-02-29', dateOfBirth: '1968-02-29' });
    expect((await permitOf(before)).interview.exemptions).toEqual([]);
    expect((await permitOf(on)).interview.exemptions).toEqual(['AGED_60_OR_OVER']);
  });

  it('a renewal is exempt automatically', async () => {
    const c = await seedResidenceCase(sys, { route: 'RENEWAL' });
    expect((await permitOf(c)).interview).toMatchObject({ required: false, exemptions: ['RENEWAL'] });
  });

  for (const ground of ['MOBILITY_ISSUES', 'HIGH_LEVEL_TALENT', 'URGENTLY_NEEDED_SPECIALIST']) {
    it(`the agency declares ${ground}: exempt; one declaration event and one requirement change`, async () => {
      const c = await seedResidenceCase(sys);
      const p = ok(
        await sys.gql<{ declareInterviewExemption: PermitView }>(
          OPS.declare,
          { caseId: c.caseId, input: { grounds: [ground] } },
          agency,
        ),
      ).declareInterviewExemption;
      expect(p.interview).toMatchObject({
        required: false,
        exemptions: [ground],
        declaredGrounds: [ground],
        status: 'NOT_REQUIRED',
      });
      expect((await c.events(EVENT_TYPES.interviewExemptionDeclared)).map((e) => e.payload)).toEqual([
        { caseId: c.caseId, grounds: [ground], proxyKind: null, declaredAt: expect.any(String) },
      ]);
      const changes = await c.events(EVENT_TYPES.interviewRequirementChanged);
      expect(changes).toHaveLength(2); // at creation, and now
      expect(changes[1]!.payload).toMatchObject({ required: false, satisfied: true, exemptions: [ground] });
    });
  }
});

describe('proxy for an exempt applicant', () => {
  const proxy = {
    kind: 'SPECIALISED_AGENCY',
    name: 'Capital Talent Services, Zhang Wei',
    idCopyReference: 'doc://id-copies/zhang-wei.pdf',
  };

  it('a proxy for an applicant with no exemption is refused and nothing is written', async () => {
    const c = await seedResidenceCase(sys);
    const res = await refusedWithoutWrites(c, 'INVALID_TRANSITION', () =>
      sys.gql(OPS.declare, { caseId: c.caseId, input: { grounds: [], proxy } }, agency),
    );
    expect(res.errors![0]!.message).toMatch(/A proxy may represent only an applicant exempt/);
    expect(res.errors![0]!.extensions!.reason).toBe('PROXY_WITHOUT_EXEMPTION');
  });

  it('an exempt applicant may be represented: the proxy is recorded with its ID copy; masked for a MANAGER', async () => {
    const c = await seedResidenceCase(sys, { dateOfBirth: '1950-01-01' });
    const p = ok(
      await sys.gql<{ declareInterviewExemption: PermitView }>(
        OPS.declare,
        { caseId: c.caseId, input: { grounds: [], proxy } },
        agency,
      ),
    ).declareInterviewExemption;
    expect(p.interview.proxy).toEqual(proxy);
    expect((await permitOf(c, manager)).interview.proxy).toEqual({
      kind: 'SPECIALISED_AGENCY',
      name: 'C****',
      idCopyReference: 'd****',
    });
    const declared = await c.events(EVENT_TYPES.interviewExemptionDeclared);
    expect(declared.map((e) => e.payload.proxyKind)).toEqual(['SPECIALISED_AGENCY']);
    // The outcome did not change (already exempt by age): no requirement event beyond the first.
    expect(await c.events(EVENT_TYPES.interviewRequirementChanged)).toHaveLength(1);
  });

  it('a declared ground and the proxy together', async () => {
    const c = await seedResidenceCase(sys);
    const p = ok(
      await sys.gql<{ declareInterviewExemption: PermitView }>(
        OPS.declare,
        { caseId: c.caseId, input: { grounds: ['MOBILITY_ISSUES'], proxy } },
        agency,
      ),
    ).declareInterviewExemption;
    expect(p.interview).toMatchObject({ required: false, exemptions: ['MOBILITY_ISSUES'], proxy });
  });

  it('rejects the unauthenticated, other roles and another agency; bad input names every problem', async () => {
    const c = await seedResidenceCase(sys, { dateOfBirth: '1950-01-01' });
    const vars = { caseId: c.caseId, input: { grounds: [], proxy } };
    await refusedWithoutWrites(c, 'UNAUTHENTICATED', () => sys.gql(OPS.declare, vars, null));
    await refusedWithoutWrites(c, 'FORBIDDEN', () => sys.gql(OPS.declare, vars, ee));
    await refusedWithoutWrites(c, 'NOT_FOUND', () => sys.gql(OPS.declare, vars, other));
    const res = await refusedWithoutWrites(c, 'BAD_USER_INPUT', () =>
      sys.gql(
        OPS.declare,
        {
          caseId: c.caseId,
          input: {
            grounds: ['MOBILITY_ISSUES', 'MOBILITY_ISSUES'],
            proxy: { ...proxy, name: ' ', idCopyReference: '' },
          },
        },
        agency,
      ),
    );
    expect(res.errors![0]!.extensions!.problems).toEqual([
      'grounds lists a ground more than once',
      'proxy.name must be 1 to 200 characters',
      "proxy.idCopyReference must be 1 to 200 characters: the proxy's ID copy is required",
    ]);
  });
});

describe('an officer may demand an interview of an exempt applicant', () => {
  it('demand → required; issue refused until a face-to-face interview is completed', async () => {
    const c = await seedResidenceCase(sys, { route: 'RENEWAL' });
    let p = ok(
      await sys.gql<{ demandInterview: PermitView }>(
        OPS.demand,
        { caseId: c.caseId, reason: 'Employment history needs clarification' },
        ee,
      ),
    ).demandInterview;
    expect(p.interview).toMatchObject({
      required: true,
      exemptions: ['RENEWAL'],
      status: 'PENDING',
      satisfied: false,
      demandedBy: { officerId: 'ee_officer-test', reason: 'Employment history needs clarification' },
    });
    expect(p.interview.reason).toMatch(/demanded .* although exempt/);
    expect(await c.events(EVENT_TYPES.interviewDemanded)).toHaveLength(1);
    expect((await c.events(EVENT_TYPES.interviewRequirementChanged)).map((e) => e.payload.required)).toEqual([
      false,
      true,
    ]);

    // Demanding again changes nothing.
    const before = await c.snapshot();
    ok(await sys.gql(OPS.demand, { caseId: c.caseId, reason: 'again' }, ee));
    expect(await c.snapshot()).toBe(before);

    await c.acceptDocuments();
    const issue = {
      caseId: c.caseId,
      input: { permitNumber: `RP-${c.caseId.slice(0, 8)}`, validFrom: '2026-12-01', validUntil: '2027-11-30' },
    };
    const refused = await refusedWithoutWrites(c, 'INVALID_TRANSITION', () => sys.gql(OPS.issue, issue, ee));
    expect(refused.errors![0]!.message).toMatch(/face-to-face interview is required/);
    expect(refused.errors![0]!.extensions!.reason).toBe('INTERVIEW_REQUIRED');

    p = ok(
      await sys.gql<{ scheduleVerification: PermitView }>(
        OPS.schedule,
        {
          caseId: c.caseId,
          input: {
            idempotencyKey: randomUUID(),
            kind: 'FACE_TO_FACE_INTERVIEW',
            scheduledAt: await inMinutes(sys, 30),
            location: 'Exit-Entry, Room 3',
          },
        },
        ee,
      ),
    ).scheduleVerification;
    expect(p.interview).toMatchObject({ status: 'SCHEDULED', scheduled: true, satisfied: false });
    const scheduledMsg = await refusedWithoutWrites(c, 'INVALID_TRANSITION', () => sys.gql(OPS.issue, issue, ee));
    expect(scheduledMsg.errors![0]!.message).toMatch(/one is scheduled/);

    await sys.advanceClock(31 * 60_000);
    p = ok(
      await sys.gql<{ recordVerificationOutcome: PermitView }>(
        OPS.recordVerification,
        { id: p.verifications[0]!.id, input: { outcome: 'CONFIRMED', notes: 'As filed' } },
        ee,
      ),
    ).recordVerificationOutcome;
    expect(p.interview).toMatchObject({ status: 'COMPLETED', satisfied: true, scheduled: false });
    expect(
      (await c.events(EVENT_TYPES.interviewRequirementChanged)).map((e) => [
        e.payload.required,
        e.payload.scheduled,
        e.payload.satisfied,
      ]),
    ).toEqual([
      [false, false, true],
      [true, false, false],
      [true, true, false],
      [true, false, true],
    ]);

    p = ok(await sys.gql<{ issueResidencePermit: PermitView }>(OPS.issue, issue, ee)).issueResidencePermit;
    expect(p.status).toBe('ISSUED');
  });

  it('rejects the unauthenticated and other roles; a blank reason is bad input', async () => {
    const c = await seedResidenceCase(sys, { route: 'RENEWAL' });
    await refusedWithoutWrites(c, 'UNAUTHENTICATED', () =>
      sys.gql(OPS.demand, { caseId: c.caseId, reason: 'x' }, null),
    );
    await refusedWithoutWrites(c, 'FORBIDDEN', () => sys.gql(OPS.demand, { caseId: c.caseId, reason: 'x' }, agency));
    await refusedWithoutWrites(c, 'FORBIDDEN', () => sys.gql(OPS.demand, { caseId: c.caseId, reason: 'x' }, clerk));
    const res = await refusedWithoutWrites(c, 'BAD_USER_INPUT', () =>
      sys.gql(OPS.demand, { caseId: c.caseId, reason: '   ' }, ee),
    );
    expect(res.errors![0]!.extensions!.problems).toEqual(['reason must be 1 to 1000 characters']);
  });
});

describe('verification (EE_OFFICER)', () => {
  it('telephone interview and on-site investigation: scheduled with a time, recorded with outcome, who and when', async () => {
    const c = await seedResidenceCase(sys);
    await c.acceptDocuments();
    let p = ok(
      await sys.gql<{ scheduleVerification: PermitView }>(
        OPS.schedule,
        {
          caseId: c.caseId,
          input: { idempotencyKey: randomUUID(), kind: 'TELEPHONE_INTERVIEW', scheduledAt: await inMinutes(sys, 10) },
        },
        ee,
      ),
    ).scheduleVerification;
    p = ok(
      await sys.gql<{ scheduleVerification: PermitView }>(
        OPS.schedule,
        {
          caseId: c.caseId,
          input: {
            idempotencyKey: randomUUID(),
            kind: 'ON_SITE_INVESTIGATION',
            scheduledAt: await inMinutes(sys, 20),
            location: 'Employer office, Haidian',
          },
        },
        ee,
      ),
    ).scheduleVerification;
    expect(p.verifications.map((v) => [v.kind, v.status])).toEqual([
      ['TELEPHONE_INTERVIEW', 'SCHEDULED'],
      ['ON_SITE_INVESTIGATION', 'SCHEDULED'],
    ]);
    expect(p.interview.scheduled).toBe(false); // only a face-to-face interview counts for the interview requirement
    const [phone, site] = p.verifications;

    // Not before it takes place.
    const early = await refusedWithoutWrites(c, 'INVALID_TRANSITION', () =>
      sys.gql(OPS.recordVerification, { id: phone!.id, input: { outcome: 'CONFIRMED' } }, ee),
    );
    expect(early.errors![0]!.message).toMatch(/once it has taken place/);
    await sys.advanceClock(25 * 60_000);
    // A discrepancy must say what.
    const bad = await refusedWithoutWrites(c, 'BAD_USER_INPUT', () =>
      sys.gql(OPS.recordVerification, { id: phone!.id, input: { outcome: 'DISCREPANCY' } }, ee),
    );
    expect(bad.errors![0]!.extensions!.problems).toEqual([
      'notes must say what did not match when the outcome is DISCREPANCY',
    ]);
    ok(
      await sys.gql(
        OPS.recordVerification,
        { id: phone!.id, input: { outcome: 'DISCREPANCY', notes: 'Employer could not confirm start date' } },
        ee,
      ),
    );
    p = ok(
      await sys.gql<{ recordVerificationOutcome: PermitView }>(
        OPS.recordVerification,
        { id: site!.id, input: { outcome: 'CONFIRMED' } },
        ee,
      ),
    ).recordVerificationOutcome;
    expect(p.verifications.map((v) => [v.status, v.outcome, v.recordedBy])).toEqual([
      ['RECORDED', 'DISCREPANCY', 'ee_officer-test'],
      ['RECORDED', 'CONFIRMED', 'ee_officer-test'],
    ]);
    expect(p.verifications[0]!.notes).toBe('Employer could not confirm start date');
    // Working papers: the agency sees the verification, not the officer's notes.
    expect((await permitOf(c, agency)).verifications[0]!.notes).toBeNull();
    // Recorded once only.
    await refusedWithoutWrites(c, 'INVALID_TRANSITION', () =>
      sys.gql(OPS.recordVerification, { id: site!.id, input: { outcome: 'NO_SHOW' } }, ee),
    );
    expect(await c.events(EVENT_TYPES.verificationScheduled)).toHaveLength(2);
    const recorded = await c.events(EVENT_TYPES.verificationRecorded);
    expect(recorded.map((e) => [e.payload.kind, e.payload.outcome])).toEqual([
      ['TELEPHONE_INTERVIEW', 'DISCREPANCY'],
      ['ON_SITE_INVESTIGATION', 'CONFIRMED'],
    ]);
  });

  it('a face-to-face NO_SHOW does not satisfy the requirement, and another interview can be scheduled', async () => {
    const c = await seedResidenceCase(sys);
    let p = ok(
      await sys.gql<{ scheduleVerification: PermitView }>(
        OPS.schedule,
        {
          caseId: c.caseId,
          input: { idempotencyKey: randomUUID(), kind: 'FACE_TO_FACE_INTERVIEW', scheduledAt: await inMinutes(sys, 5) },
        },
        ee,
      ),
    ).scheduleVerification;
    const second = await refusedWithoutWrites(c, 'CONFLICT', () =>
      sys.gql(
        OPS.schedule,
        {
          caseId: c.caseId,
          input: {
            idempotencyKey: randomUUID(),
            kind: 'FACE_TO_FACE_INTERVIEW',
            scheduledAt: new Date(Date.now() + 86_400_000 * 2).toISOString(),
          },
        },
        ee,
      ),
    );
    expect(second.errors![0]!.message).toMatch(/already scheduled/);
    await sys.advanceClock(6 * 60_000);
    p = ok(
      await sys.gql<{ recordVerificationOutcome: PermitView }>(
        OPS.recordVerification,
        { id: p.verifications[0]!.id, input: { outcome: 'NO_SHOW' } },
        ee,
      ),
    ).recordVerificationOutcome;
    expect(p.interview).toMatchObject({ required: true, status: 'PENDING', satisfied: false, scheduled: false });
    p = ok(
      await sys.gql<{ scheduleVerification: PermitView }>(
        OPS.schedule,
        {
          caseId: c.caseId,
          input: {
            idempotencyKey: randomUUID(),
            kind: 'FACE_TO_FACE_INTERVIEW',
            scheduledAt: await inMinutes(sys, 60),
          },
        },
        ee,
      ),
    ).scheduleVerification;
    expect(p.interview.status).toBe('SCHEDULED');
  });

  it('rejects the unauthenticated, other roles, unknown verifications and bad times', async () => {
    const c = await seedResidenceCase(sys);
    const vars = {
      caseId: c.caseId,
      input: { idempotencyKey: randomUUID(), kind: 'TELEPHONE_INTERVIEW', scheduledAt: await inMinutes(sys, 10) },
    };
    await refusedWithoutWrites(c, 'UNAUTHENTICATED', () => sys.gql(OPS.schedule, vars, null));
    await refusedWithoutWrites(c, 'FORBIDDEN', () => sys.gql(OPS.schedule, vars, agency));
    await refusedWithoutWrites(c, 'FORBIDDEN', () => sys.gql(OPS.schedule, vars, clerk));
    const past = await refusedWithoutWrites(c, 'BAD_USER_INPUT', () =>
      sys.gql(
        OPS.schedule,
        {
          caseId: c.caseId,
          input: { idempotencyKey: randomUUID(), kind: 'TELEPHONE_INTERVIEW', scheduledAt: '2020-01-01T00:00:00Z' },
        },
        ee,
      ),
    );
    expect(past.errors![0]!.extensions!.problems).toEqual([
      expect.stringMatching(/^scheduledAt must be in the future/),
    ]);
    expect(
      errorCode(
        await sys.gql(
          OPS.recordVerification,
          { id: '00000000-0000-4000-8000-000000000000', input: { outcome: 'CONFIRMED' } },
          ee,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(errorCode(await sys.gql(OPS.recordVerification, { id: 'nope', input: { outcome: 'CONFIRMED' } }, ee))).toBe(
      'NOT_FOUND',
    );
  });
});

describe('the decision (EE_OFFICER)', () => {
  async function reviewed(opts: Parameters<typeof seedResidenceCase>[1] = { route: 'RENEWAL' }): Promise<TestCase> {
    const c = await seedResidenceCase(sys, opts);
    return c.acceptDocuments();
  }

  it('issues with a permit number and validity; one issued event with the contract payload', async () => {
    const c = await reviewed();
    const input = { permitNumber: `rp-${c.caseId.slice(0, 8)}`, validFrom: '2026-12-01', validUntil: '2031-12-01' };
    const p = ok(
      await sys.gql<{ issueResidencePermit: PermitView }>(OPS.issue, { caseId: c.caseId, input }, ee),
    ).issueResidencePermit;
    expect(p.status).toBe('ISSUED');
    expect(p.decision).toMatchObject({
      outcome: 'ISSUED',
      permitNumber: input.permitNumber.toUpperCase(),
      validFrom: '2026-12-01',
      validUntil: '2031-12-01',
      reasons: [],
      decidedBy: 'ee_officer-test',
    });
    const issued = await c.events(EVENT_TYPES.residencePermitIssued);
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      employer_id: c.employerId,
      actor_id: 'ee_officer-test',
      payload: {
        caseId: c.caseId,
        permitNumber: input.permitNumber.toUpperCase(),
        validFrom: '2026-12-01',
        validUntil: '2031-12-01',
        decidedAt: expect.any(String),
      },
    });
    // Decided: the identical issue again (a retry) answers with the permit and writes nothing; a
    // different issue or a refusal is refused.
    const before = await c.snapshot();
    const retry = ok(
      await sys.gql<{ issueResidencePermit: PermitView }>(OPS.issue, { caseId: c.caseId, input }, ee),
    ).issueResidencePermit;
    expect(retry.decision).toEqual(p.decision);
    expect(await c.snapshot()).toBe(before);
    await refusedWithoutWrites(c, 'INVALID_TRANSITION', () =>
      sys.gql(OPS.issue, { caseId: c.caseId, input: { ...input, validUntil: '2030-12-01' } }, ee),
    );
    await refusedWithoutWrites(c, 'INVALID_TRANSITION', () =>
      sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['late'] }, ee),
    );
    // The agency follows the decision.
    expect((await permitOf(c, agency)).decision?.outcome).toBe('ISSUED');
  });

  it('validity: after validFrom and at most five years; every problem named, nothing written', async () => {
    const c = await reviewed();
    const same = await refusedWithoutWrites(c, 'BAD_USER_INPUT', () =>
      sys.gql(
        OPS.issue,
        { caseId: c.caseId, input: { permitNumber: 'RP-0001', validFrom: '2026-12-01', validUntil: '2026-12-01' } },
        ee,
      ),
    );
    expect(same.errors![0]!.extensions!.problems).toEqual([
      'validUntil (2026-12-01) must be after validFrom (2026-12-01)',
    ]);
    const long = await refusedWithoutWrites(c, 'BAD_USER_INPUT', () =>
      sys.gql(
        OPS.issue,
        { caseId: c.caseId, input: { permitNumber: 'RP-0001', validFrom: '2026-12-01', validUntil: '2031-12-02' } },
        ee,
      ),
    );
    expect(long.errors![0]!.extensions!.problems).toEqual([
      'validUntil (2031-12-02) must be at most 5 years after validFrom, i.e. on or before 2031-12-01',
    ]);
    const all = await refusedWithoutWrites(c, 'BAD_USER_INPUT', () =>
      sys.gql(OPS.issue, { caseId: c.caseId, input: { permitNumber: '!', validFrom: 'x', validUntil: 'y' } }, ee),
    );
    expect(all.errors![0]!.extensions!.problems).toHaveLength(3);
  });

  it('only after the documents are accepted', async () => {
    const c = await seedResidenceCase(sys, { route: 'RENEWAL' });
    const res = await refusedWithoutWrites(c, 'INVALID_TRANSITION', () =>
      sys.gql(
        OPS.issue,
        { caseId: c.caseId, input: { permitNumber: 'RP-0002', validFrom: '2026-12-01', validUntil: '2027-12-01' } },
        ee,
      ),
    );
    expect(res.errors![0]!.message).toMatch(/not accepted the documents yet/);
    await refusedWithoutWrites(c, 'INVALID_TRANSITION', () =>
      sys.gql(OPS.refuse, { caseId: c.caseId, reasons: ['x'] }, ee),
    );
  });

  it('a permit number is never issued twice', async () => {
    const a = await reviewed();
    const b = await reviewed();
    const input = { permitNumber: `RP-DUP-${a.caseId.slice(0, 6)}`, validFrom: '2026-12-01', validUntil: '2027-12-01' };
    ok(await sys.gql(OPS.issue, { caseId: a.caseId, input }, ee));
    await refusedWithoutWrites(b, 'CONFLICT', () => sys.gql(OPS.issue, { caseId: b.caseId, input }, ee));
  });

  it('rejects the unauthenticated, other roles and unknown cases', async () => {
    const c = await reviewed();
    const vars = {
      caseId: c.caseId,
      input: { permitNumber: 'RP-0003', validFrom: '2026-12-01', validUntil: '2027-12-01' },
    };
    await refusedWithoutWrites(c, 'UNAUTHENTICATED', () => sys.gql(OPS.issue, vars, null));
    await refusedWithoutWrites(c, 'FORBIDDEN', () => sys.gql(OPS.issue, vars, agency));
    const wp = await sys.token('WP_OFFICER');
    await refusedWithoutWrites(c, 'FORBIDDEN', () => sys.gql(OPS.issue, vars, wp));
    expect(errorCode(await sys.gql(OPS.issue, { ...vars, caseId: '00000000-0000-4000-8000-000000000000' }, ee))).toBe(
      'NOT_FOUND',
    );
  });
});
