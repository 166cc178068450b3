import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, subgraphSecret, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@onestop/common';
import { DEMO_AGENCIES, DEMO_EMPLOYERS } from '@onestop/common/testing';
import {
  startTestSystem,
  type TestSystem,
  AGENCY_A,
  agencyToken,
  CASE_FIELDS,
  errorCode,
  fileCase,
  filing,
  footprint,
  getCase,
  today,
  type CaseView,
} from '../testkit/index.js';

/**
 * An agency acts only for its own employers (DOMAIN.md): another employer's case is invisible
 * through every path — case, caseByReference, cases, and _entities (through the gateway's query
 * plans and sent directly to the subgraph, correctly signed) — and cannot be changed.
 */
let sys: TestSystem;
let mine: string;
let theirs: string;
let own: CaseView;
let foreign: CaseView;

beforeAll(async () => {
  sys = await startTestSystem();
  mine = await agencyToken(sys, 0);
  theirs = await agencyToken(sys, 1);
  const day = await today(sys);
  own = await fileCase(sys, mine, filing(AGENCY_A.employerIds[0], day));
  foreign = await fileCase(sys, theirs, filing(DEMO_AGENCIES[1].employerIds[0], day));
});
afterAll(async () => {
  await sys?.stop();
});

/** Posts straight to the work-permit subgraph, signed the way the gateway signs. */
async function direct(
  query: string,
  variables: Record<string, unknown>,
  token: string,
  sign = true,
): Promise<{
  status: number;
  body: { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
}> {
  const url = new URL(sys.stack.urls['work-permit']);
  const body = JSON.stringify({ query, variables });
  const authorization = `Bearer ${token}`;
  const timestamp = String(Date.now());
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization };
  if (sign) {
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signRequest(subgraphSecret('work-permit', 'test'), {
      method: 'POST',
      path: url.pathname,
      body,
      authorization,
      timestamp,
    });
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as never };
}

describe('an agency cannot read another employer’s case', () => {
  it('by case(id) and caseByReference: NOT_FOUND, exactly as for a case that does not exist', async () => {
    expect((await getCase(sys, mine, own.id)).reference).toBe(own.reference);
    const byId = await sys.gql(`query($id: ID!) { case(id: $id) { ${CASE_FIELDS} } }`, { id: foreign.id }, mine);
    expect(errorCode(byId)).toBe('NOT_FOUND');
    expect(byId.data?.case ?? null).toBeNull();
    const missing = await sys.gql(
      'query($id: ID!) { case(id: $id) { id } }',
      { id: '00000000-0000-4000-8000-000000000000' },
      mine,
    );
    expect(byId.errors![0]!.message.replace(foreign.id, 'X')).toBe(
      missing.errors![0]!.message.replace('00000000-0000-4000-8000-000000000000', 'X'),
    );
    const byRef = await sys.gql(
      'query($r: String!) { caseByReference(reference: $r) { id applicant { passportNumber } } }',
      { r: foreign.reference },
      mine,
    );
    expect(errorCode(byRef)).toBe('NOT_FOUND');
    const ownByRef = await sys.gql<{ caseByReference: { id: string } }>(
      'query($r: String!) { caseByReference(reference: $r) { id } }',
      { r: own.reference.toLowerCase() },
      mine,
    );
    expect(ownByRef.data!.caseByReference.id).toBe(own.id);
    expect(
      errorCode(await sys.gql('query($r: String!) { caseByReference(reference: $r) { id } }', { r: own.reference })),
    ).toBe('UNAUTHENTICATED');
  });

  it('by cases(): never listed nor counted; naming the other employer is FORBIDDEN', async () => {
    const list = await sys.gql<{
      cases: { totalCount: number; edges: { node: { id: string; employerId: string } }[] };
    }>('{ cases(first: 100) { totalCount edges { node { id employerId } } } }', {}, mine);
    const ids = list.data!.cases.edges.map((e) => e.node.id);
    expect(ids).toContain(own.id);
    expect(ids).not.toContain(foreign.id);
    expect(
      list.data!.cases.edges.every((e) => (AGENCY_A.employerIds as readonly string[]).includes(e.node.employerId)),
    ).toBe(true);
    expect(list.data!.cases.totalCount).toBe(ids.length);
    const named = await sys.gql(
      'query($e: ID) { cases(filter: { employerId: $e }) { edges { cursor } } }',
      { e: foreign.employerId },
      mine,
    );
    expect(errorCode(named)).toBe('FORBIDDEN');
    // An agency token entrusted by no employer sees nothing at all.
    const none = await sys.token('AGENCY', { agencyId: DEMO_AGENCIES[0].id, employerIds: [] });
    const empty = await sys.gql<{ cases: { totalCount: number } }>('{ cases { totalCount } }', {}, none);
    expect(empty.data!.cases.totalCount).toBe(0);
    expect(errorCode(await sys.gql('{ cases { totalCount } }'))).toBe('UNAUTHENTICATED');
  });

  it('through a gateway plan that joins another subgraph’s field onto the case: no data leaks', async () => {
    const r = await sys.gql(
      'query($id: ID!) { case(id: $id) { id reference residencePermit { id status } appointment { id counterId } } }',
      { id: foreign.id },
      mine,
    );
    expect(errorCode(r)).toBe('NOT_FOUND');
    expect(JSON.stringify(r.data ?? {})).not.toContain(foreign.reference);
  });

  it('by _entities sent to the subgraph directly: null for the other employer’s case, the case for its own', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { id reference applicant { passportNumber } } } }`;
    const reps = [
      { __typename: 'Case', id: foreign.id },
      { __typename: 'Case', id: own.id },
    ];
    const r = await direct(query, { r: reps }, mine);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!._entities).toEqual([
      null,
      { id: own.id, reference: own.reference, applicant: { passportNumber: own.applicant.passportNumber } },
    ]);
    // The other agency sees the mirror image.
    const mirror = await direct(query, { r: reps }, theirs);
    expect((mirror.body.data!._entities as unknown[])[1]).toBeNull();
    expect((mirror.body.data!._entities as { id: string }[])[0]!.id).toBe(foreign.id);
    const employers = await direct(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Employer { id name } } }',
      { r: [{ __typename: 'Employer', id: foreign.employerId }] },
      mine,
    );
    expect(employers.body.data!._entities).toEqual([null]);
    // Unsigned requests never reach the resolvers.
    const unsigned = await direct(query, { r: reps }, mine, false);
    expect(unsigned.status).toBe(403);
  });
});

describe('malformed scope', () => {
  it('a token whose employer ids are not ids sees nothing and gets NOT_FOUND, never an internal error', async () => {
    const odd = await sys.token('AGENCY', {
      agencyId: 'agency-odd',
      employerIds: ['not-an-id', AGENCY_A.employerIds[0]],
    });
    const list = await sys.gql<{ cases: { edges: { node: { id: string } }[] } }>(
      '{ cases(first: 100) { edges { node { id } } } }',
      {},
      odd,
    );
    expect(list.errors).toBeUndefined();
    expect(list.data!.cases.edges.map((e) => e.node.id)).toContain(own.id);
    expect(errorCode(await sys.gql('query($id: ID!) { case(id: $id) { id } }', { id: foreign.id }, odd))).toBe(
      'NOT_FOUND',
    );
    const w = await sys.gql(
      'mutation($i: WithdrawCaseInput!) { withdrawCase(input: $i) { id } }',
      { i: { caseId: foreign.id } },
      odd,
    );
    expect(errorCode(w)).toBe('NOT_FOUND');
    expect(errorCode(await sys.gql('query($id: ID!) { case(id: $id) { id } }', { id: 'not-a-uuid' }, odd))).toBe(
      'NOT_FOUND',
    );
  });
});

describe('an agency cannot change another employer’s case', () => {
  it('withdraw and resubmit answer NOT_FOUND and change nothing', async () => {
    const before = await footprint(sys);
    const w = await sys.gql(
      'mutation($i: WithdrawCaseInput!) { withdrawCase(input: $i) { id } }',
      { i: { caseId: foreign.id } },
      mine,
    );
    expect(errorCode(w)).toBe('NOT_FOUND');
    const r = await sys.gql(
      'mutation($i: ResubmitCaseInput!) { resubmitCase(input: $i) { id } }',
      { i: { caseId: foreign.id } },
      mine,
    );
    expect(errorCode(r)).toBe('NOT_FOUND');
    expect(await footprint(sys)).toEqual(before);
    expect((await getCase(sys, theirs, foreign.id)).status).toBe('SUBMITTED');
  });
});

describe('seeding', () => {
  it('is idempotent: a restarted work-permit subgraph adds no second demo employer or agency', async () => {
    const count = async (): Promise<number[]> => {
      const r = await sys.sql.query<{ e: number; a: number; h: number; ae: number }>(
        'SELECT (SELECT count(*)::int FROM wp.employer) e, (SELECT count(*)::int FROM wp.agency) a, (SELECT count(*)::int FROM wp.employer_handler) h, (SELECT count(*)::int FROM wp.agency_employer) ae',
      );
      return [r.rows[0]!.e, r.rows[0]!.a, r.rows[0]!.h, r.rows[0]!.ae];
    };
    expect(await count()).toEqual([DEMO_EMPLOYERS.length, DEMO_AGENCIES.length, DEMO_EMPLOYERS.length, 4]);
    await sys.stack.stopService('work-permit');
    await sys.stack.startService('work-permit');
    expect(await count()).toEqual([DEMO_EMPLOYERS.length, DEMO_AGENCIES.length, DEMO_EMPLOYERS.length, 4]);
    expect((await getCase(sys, mine, own.id)).id).toBe(own.id);
  });
});
