/**
 * Who sees which residence permit: agency isolation through the gateway and straight at the
 * subgraph (`_entities`, signed as the gateway signs), the officers' list and its filters, and
 * the public receipt-of-acceptance look-up that reveals nothing but validity.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, shanghaiDate, shanghaiDayStart, WorkingDayCalendar } from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import { DEMO_EMPLOYERS } from '@onestop/common/testing';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  filing,
  today,
  businessNow,
  errorCode,
  directToSubgraph,
  seedResidenceCase,
  nextReceiptNumber,
  OPS,
  OTHER_EMPLOYER,
  agencyToken,
  type TestCase,
} from '../testkit/index.js';

let sys: TestSystem;
let ee: string;
let agency: string;
let other: string;

beforeAll(async () => {
  sys = await startTestSystem();
  [ee, agency, other] = await Promise.all([sys.token('EE_OFFICER'), agencyToken(sys), agencyToken(sys, 1)]);
});
afterAll(async () => {
  await sys?.stop();
});

const ONE = `query ($caseId: ID!) { residencePermit(caseId: $caseId) { id caseId status employerId } }`;
const LIST = `query ($filter: ResidencePermitFilter, $first: Int, $after: String) {
  residencePermits(filter: $filter, first: $first, after: $after) {
    edges { cursor node { caseId status employerId interview { status } passportCustody { workingDaysHeld } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Case { id residencePermit { id caseId status } } }
}`;

interface ListResult {
  residencePermits: {
    edges: {
      cursor: string;
      node: { caseId: string; status: string; employerId: string; passportCustody: { workingDaysHeld: number } | null };
    }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

/** An agency for a fresh employer, so its list holds exactly the cases a test files. */
async function freshEmployer(): Promise<{ employerId: string; token: string }> {
  const employerId = randomUUID();
  return {
    employerId,
    token: await sys.token('AGENCY', {
      agencyId: randomUUID(),
      employerIds: [employerId],
      sub: `agency-${employerId.slice(0, 8)}`,
    }),
  };
}

async function caseIdsOf(token: string, filter: Record<string, unknown> = {}): Promise<string[]> {
  const res = await sys.gql<ListResult>(LIST, { filter, first: 100 }, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.residencePermits.edges.map((e) => e.node.caseId);
}

describe('agency isolation', () => {
  let ours: TestCase;
  let theirs: TestCase;
  beforeAll(async () => {
    ours = await seedResidenceCase(sys);
    theirs = await seedResidenceCase(sys, { employerId: OTHER_EMPLOYER });
  });

  it('through the gateway: an agency sees its own employers’ permits only', async () => {
    expect(
      (await sys.gql<{ residencePermit: { caseId: string } }>(ONE, { caseId: ours.caseId }, agency)).data!
        .residencePermit.caseId,
    ).toBe(ours.caseId);
    const hidden = await sys.gql<{ residencePermit: unknown }>(ONE, { caseId: ours.caseId }, other);
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data!.residencePermit).toBeNull();
    expect(
      (await sys.gql<{ residencePermit: unknown }>(ONE, { caseId: theirs.caseId }, agency)).data!.residencePermit,
    ).toBeNull();
    const mine = await caseIdsOf(agency);
    expect(mine).toContain(ours.caseId);
    expect(mine).not.toContain(theirs.caseId);
    const theirList = await caseIdsOf(other);
    expect(theirList).toContain(theirs.caseId);
    expect(theirList).not.toContain(ours.caseId);
    // Officers see both.
    expect(await caseIdsOf(ee)).toEqual(expect.arrayContaining([ours.caseId, theirs.caseId]));
  });

  it('through the gateway: unauthenticated reads are rejected', async () => {
    expect(errorCode(await sys.gql(ONE, { caseId: ours.caseId }, null))).toBe('UNAUTHENTICATED');
    expect(errorCode(await sys.gql(LIST, {}, null))).toBe('UNAUTHENTICATED');
  });

  it('straight at the subgraph, signed: _entities gives another agency nothing of the case', async () => {
    const representations = [
      { __typename: 'Case', id: ours.caseId },
      { __typename: 'Case', id: theirs.caseId },
    ];
    type Entities = { _entities: ({ id: string; residencePermit: { caseId: string } | null } | null)[] };
    const asOurs = await directToSubgraph<Entities>(sys, 'residence-permit', ENTITIES, { representations }, agency);
    expect(asOurs.errors).toBeUndefined();
    expect(asOurs.data!._entities.map((e) => e?.residencePermit?.caseId ?? null)).toEqual([ours.caseId, null]);
    const asOther = await directToSubgraph<Entities>(sys, 'residence-permit', ENTITIES, { representations }, other);
    expect(asOther.data!._entities.map((e) => e?.residencePermit?.caseId ?? null)).toEqual([null, theirs.caseId]);
    const asOfficer = await directToSubgraph<Entities>(sys, 'residence-permit', ENTITIES, { representations }, ee);
    expect(asOfficer.data!._entities.map((e) => e?.residencePermit?.caseId ?? null)).toEqual([
      ours.caseId,
      theirs.caseId,
    ]);
    const anonymous = await directToSubgraph<Entities>(sys, 'residence-permit', ENTITIES, { representations }, null);
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
  });

  it('straight at the subgraph, unsigned: refused', async () => {
    const res = await fetch(sys.stack.urls['residence-permit'], {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agency}` },
      body: JSON.stringify({
        query: ENTITIES,
        variables: { representations: [{ __typename: 'Case', id: ours.caseId }] },
      }),
    });
    expect(res.status).toBe(403);
  });

  it('another agency cannot act on the case: NOT_FOUND, nothing written', async () => {
    const before = await ours.snapshot();
    const res = await sys.gql(OPS.declare, { caseId: ours.caseId, input: { grounds: ['MOBILITY_ISSUES'] } }, other);
    expect(errorCode(res)).toBe('NOT_FOUND');
    expect(await ours.snapshot()).toBe(before);
  });
});

describe('the officers’ list', () => {
  it('pages oldest filing first with cursors', async () => {
    const { employerId, token } = await freshEmployer();
    const filed: TestCase[] = [];
    const t0 = Date.parse('2026-03-02T01:00:00Z');
    for (let i = 0; i < 5; i++)
      filed.push(await seedResidenceCase(sys, { employerId, submittedAt: new Date(t0 + i * 60_000) }));
    const first = await sys.gql<ListResult>(LIST, { first: 2 }, token);
    expect(first.data!.residencePermits.edges.map((e) => e.node.caseId)).toEqual([filed[0]!.caseId, filed[1]!.caseId]);
    expect(first.data!.residencePermits.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await sys.gql<ListResult>(
      LIST,
      { first: 2, after: first.data!.residencePermits.pageInfo.endCursor },
      token,
    );
    expect(second.data!.residencePermits.edges.map((e) => e.node.caseId)).toEqual([filed[2]!.caseId, filed[3]!.caseId]);
    const third = await sys.gql<ListResult>(
      LIST,
      { first: 2, after: second.data!.residencePermits.pageInfo.endCursor },
      token,
    );
    expect(third.data!.residencePermits.edges.map((e) => e.node.caseId)).toEqual([filed[4]!.caseId]);
    expect(third.data!.residencePermits.pageInfo.hasNextPage).toBe(false);
  });

  it('bad paging input names every problem', async () => {
    const res = await sys.gql(
      LIST,
      { first: 0, after: 'not-a-cursor', filter: { passportHeldLongerThanWorkingDays: -1 } },
      ee,
    );
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.problems).toEqual([
      'first must be a whole number from 1 to 100, got 0',
      'after is not a cursor this list returned',
      'filter.passportHeldLongerThanWorkingDays must be a whole number from 0 to 250',
    ]);
    expect(errorCode(await sys.gql(LIST, { first: 101 }, ee))).toBe('BAD_USER_INPUT');
  });

  it('filters: status, interview pending, verification outstanding', async () => {
    const { employerId, token } = await freshEmployer();
    const pending = await seedResidenceCase(sys, { employerId });
    const exempt = await seedResidenceCase(sys, { employerId, route: 'RENEWAL' });
    const underReview = await (await seedResidenceCase(sys, { employerId, route: 'RENEWAL' })).acceptDocuments();
    const now = await businessNow(sys);
    const res = await sys.gql(
      OPS.schedule,
      {
        caseId: exempt.caseId,
        input: {
          idempotencyKey: randomUUID(),
          kind: 'TELEPHONE_INTERVIEW',
          scheduledAt: new Date(now.getTime() + 3_600_000).toISOString(),
        },
      },
      ee,
    );
    expect(res.errors).toBeUndefined();
    expect(await caseIdsOf(token, { status: 'UNDER_REVIEW' })).toEqual([underReview.caseId]);
    expect(await caseIdsOf(token, { status: 'AWAITING_DOCUMENTS' })).toEqual([pending.caseId, exempt.caseId]);
    expect(await caseIdsOf(token, { interviewPending: true })).toEqual([pending.caseId]);
    expect(await caseIdsOf(token, { interviewPending: false })).toEqual([exempt.caseId, underReview.caseId]);
    expect(await caseIdsOf(token, { verificationOutstanding: true })).toEqual([exempt.caseId]);
    expect(await caseIdsOf(token, { verificationOutstanding: false, status: 'AWAITING_DOCUMENTS' })).toEqual([
      pending.caseId,
    ]);
  });

  it('passports held longer than N working days (the custody alert), by the official calendar', async () => {
    const { employerId, token } = await freshEmployer();
    const calendar = WorkingDayCalendar.fromOfficialData();
    const now = await businessNow(sys);
    const today = shanghaiDate(now);
    const at = (daysAgo: number): Date =>
      new Date(shanghaiDayStart(addCalendarDays(today, -daysAgo)).getTime() + 10 * 3_600_000);
    const cases: { c: TestCase; held: number }[] = [];
    for (const daysAgo of [0, 12, 30]) {
      const c = await (await seedResidenceCase(sys, { employerId })).acceptDocuments({ acceptedAt: at(daysAgo) });
      cases.push({ c, held: calendar.workingDaysBetween(at(daysAgo), now) });
    }
    const released = await (await seedResidenceCase(sys, { employerId })).acceptDocuments({ acceptedAt: at(30) });
    await released.recordClaim();
    for (const n of [0, 5, 10]) {
      const expected = cases.filter((x) => x.held > n).map((x) => x.c.caseId);
      expect(await caseIdsOf(token, { passportHeldLongerThanWorkingDays: n }), `N=${n}`).toEqual(expected);
    }
    const list = await sys.gql<ListResult>(LIST, { filter: { status: 'UNDER_REVIEW' }, first: 10 }, token);
    expect(list.data!.residencePermits.edges.map((e) => e.node.passportCustody?.workingDaysHeld)).toEqual([
      ...cases.map((x) => x.held),
      calendar.workingDaysBetween(at(30), at(0)),
    ]);
  });
});

describe('receipt of acceptance (public)', () => {
  const fields = `query ($number: String!) { receiptOfAcceptance(number: $number) { valid issuedOn } }`;

  it('a held passport: valid, with the day of issue; no token needed; nothing else to read', async () => {
    const c = await (await seedResidenceCase(sys)).acceptDocuments({ acceptedAt: new Date('2026-03-05T02:30:00Z') });
    const res = await sys.gql<{ receiptOfAcceptance: unknown }>(fields, { number: c.receiptNumber }, null);
    expect(res.errors).toBeUndefined();
    expect(res.data!.receiptOfAcceptance).toEqual({ valid: true, issuedOn: '2026-03-05' });
    // Case-insensitive, surrounding spaces ignored; the same answer with a token.
    expect(
      (
        await sys.gql<{ receiptOfAcceptance: unknown }>(
          fields,
          { number: ` ${c.receiptNumber!.toLowerCase()} ` },
          agency,
        )
      ).data!.receiptOfAcceptance,
    ).toEqual({
      valid: true,
      issuedOn: '2026-03-05',
    });
    // The type has nothing else: no name, case or passport number to ask for.
    const type = await sys.gql<{ __type: { fields: { name: string }[] } }>(
      `{ __type(name: "ReceiptOfAcceptanceCheck") { fields { name } } }`,
      {},
      null,
    );
    expect(type.data!.__type.fields.map((f) => f.name).sort()).toEqual(['issuedOn', 'valid']);
  });

  it('an unknown number: valid false, not an error', async () => {
    for (const number of [nextReceiptNumber(), 'nonsense', '', 'x'.repeat(5000)]) {
      const res = await sys.gql<{ receiptOfAcceptance: unknown }>(fields, { number }, null);
      expect(res.errors).toBeUndefined();
      expect(res.data!.receiptOfAcceptance).toEqual({ valid: false, issuedOn: null });
    }
  });

  it('after the claim the passport is back and the receipt is no longer valid (it reads like an unknown number)', async () => {
    const c = await (await seedResidenceCase(sys)).acceptDocuments();
    expect(
      (await sys.gql<{ receiptOfAcceptance: { valid: boolean } }>(fields, { number: c.receiptNumber }, null)).data!
        .receiptOfAcceptance.valid,
    ).toBe(true);
    await c.recordClaim();
    expect(
      (await sys.gql<{ receiptOfAcceptance: unknown }>(fields, { number: c.receiptNumber }, null)).data!
        .receiptOfAcceptance,
    ).toEqual({ valid: false, issuedOn: null });
    const released = await c.events('residence-permit.passport-released');
    expect(released).toHaveLength(1);
    expect(released[0]!.payload).toMatchObject({ caseId: c.caseId, counterId: 'chaoyang-cbd' });
  });
});

describe('the real filing flow (work-permit fileCase → case.submitted → residence permit)', () => {
  const CASE = `query ($id: ID!) { case(id: $id) { id reference residencePermit { caseId caseReference status filedOn interview { required exemptions status } } } }`;

  it('an applicant aged 60 on the filing date is exempt; Case.residencePermit through the gateway, scoped to the agency', async () => {
    const day = await today(sys);
    const sixtiethBirthday = `${Number(day.slice(0, 4)) - 60}${day.slice(4)}`;
    const input = filing(DEMO_EMPLOYERS[0].id, day);
    const res = await sys.gql<{ fileCase: { id: string; reference: string } }>(
      `mutation ($i: FileCaseInput!) { fileCase(input: $i) { id reference } }`,
      { i: { ...input, applicant: { ...(input.applicant as object), dateOfBirth: sixtiethBirthday } } },
      agency,
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const filed = res.data!.fileCase;
    type CaseView = {
      case: {
        reference: string;
        residencePermit: {
          caseReference: string;
          status: string;
          filedOn: string;
          interview: { required: boolean; exemptions: string[] };
        } | null;
      } | null;
    };
    const seen = await waitFor(
      async () => {
        const r = await sys.gql<CaseView>(CASE, { id: filed.id }, agency);
        return r.data?.case?.residencePermit ? r.data.case : undefined;
      },
      10_000,
      'the residence permit of the filed case',
    );
    expect(seen.residencePermit).toMatchObject({
      caseReference: filed.reference,
      status: 'AWAITING_DOCUMENTS',
      filedOn: day,
      interview: { required: false, exemptions: ['AGED_60_OR_OVER'] },
    });
    // The officer sees it too; another agency sees neither the case nor its permit.
    expect((await sys.gql<CaseView>(CASE, { id: filed.id }, ee)).data!.case!.residencePermit!.status).toBe(
      'AWAITING_DOCUMENTS',
    );
    const hidden = await sys.gql<CaseView>(CASE, { id: filed.id }, other);
    expect(hidden.data?.case ?? null).toBeNull();
    expect(
      (await sys.gql<{ residencePermit: unknown }>(ONE, { caseId: filed.id }, other)).data!.residencePermit,
    ).toBeNull();
    const created = await sys.sql.query(
      `SELECT count(*)::int AS n FROM platform.event_log WHERE aggregate_id = $1 AND type = $2`,
      [filed.id, EVENT_TYPES.residencePermitCreated],
    );
    expect(created.rows[0].n).toBe(1);
  });
});
