import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENCIES } from '@onestop/common/testing';
import { agencyClaims, filingInput } from '../../testing/filing-input.js';
import { startTestRuntime, type TestRuntime } from '../../testing/test-runtime.js';

/** `Case.agency`: the agency that filed the case, for whoever may see the case, batched per request. */
let t: TestRuntime;
const statements: string[] = [];
let counting = false;
const officer = { sub: 'wp-officer-1', role: 'WP_OFFICER' as const, name: 'Officer One' };
const byAgency: [string[], string[]] = [[], []];

beforeAll(async () => {
  t = await startTestRuntime({ onQuery: (sql) => counting && statements.push(sql) });
  for (let i = 0; i < 20; i++) {
    const a = (i % 2) as 0 | 1;
    const r = await t.exec<{ fileCase: { id: string } }>(
      'mutation($i: FileCaseInput!) { fileCase(input: $i) { id } }',
      { i: filingInput(DEMO_AGENCIES[a].employerIds[0], t.clock.now()) },
      agencyClaims(a),
    );
    expect(r.errors).toBeUndefined();
    byAgency[a].push(r.data!.fileCase.id);
  }
});
afterAll(async () => {
  await t?.stop();
});

const AGENCY_OF = 'query($id: ID!) { case(id: $id) { agency { id name } } }';

describe('Case.agency', () => {
  it('is the filing agency, for an officer and for the agency itself', async () => {
    for (const a of [0, 1] as const) {
      const expected = { id: DEMO_AGENCIES[a].id, name: DEMO_AGENCIES[a].name };
      const asOfficer = await t.exec<{ case: { agency: unknown } }>(AGENCY_OF, { id: byAgency[a][0] }, officer);
      expect(asOfficer.errors).toBeUndefined();
      expect(asOfficer.data!.case.agency).toEqual(expected);
      const asAgency = await t.exec<{ case: { agency: unknown } }>(AGENCY_OF, { id: byAgency[a][0] }, agencyClaims(a));
      expect(asAgency.errors).toBeUndefined();
      expect(asAgency.data!.case.agency).toEqual(expected);
    }
    // The other agency still cannot see the case, so it cannot see who filed it either.
    const other = await t.exec(AGENCY_OF, { id: byAgency[0][0] }, agencyClaims(1));
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a page of 20 cases reads agencies in one statement', async () => {
    statements.length = 0;
    counting = true;
    let result: Awaited<ReturnType<TestRuntime['exec']>>;
    try {
      result = await t.exec('{ cases(first: 20) { edges { node { id agency { id name } } } } }', {}, officer);
    } finally {
      counting = false;
    }
    expect(result.errors).toBeUndefined();
    const nodes = (
      result.data as { cases: { edges: { node: { id: string; agency: { id: string } } }[] } }
    ).cases.edges.map((e) => e.node);
    expect(nodes).toHaveLength(20);
    for (const n of nodes) expect(n.agency.id).toBe(DEMO_AGENCIES[byAgency[0].includes(n.id) ? 0 : 1].id);
    expect(statements.filter((sql) => /FROM\s+"wp"\."agency"/i.test(sql))).toHaveLength(1);
    expect(statements).toHaveLength(2);
  });
});
