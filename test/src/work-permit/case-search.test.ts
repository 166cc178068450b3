/**
 * `cases(filter: { search })` through the gateway (issue 13, item 5): applicant name in Latin
 * letters or Chinese characters (partial, accents and case ignored), passport and reference
 * prefix, employer name; scoping (an agency finds only its own employers' cases; passport
 * prefixes are for officers and clerks); every search in the access log with its text; bad
 * input gets BAD_USER_INPUT and writes nothing. Also `monthlyReport`'s access and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestSystem,
  type TestSystem,
  AGENCY_A,
  AGENCY_B,
  agencyToken,
  applicantNamed,
  errorCode,
  fileCase,
  filing,
  today,
} from '../testkit/index.js';

const SEARCH = `query ($f: CaseFilter, $first: Int, $after: String) {
  cases(filter: $f, first: $first, after: $after) { totalCount edges { node { id reference } } pageInfo { hasNextPage endCursor } }
}`;
const LOG = `query ($actorId: String) {
  caseAccessLog(actorId: $actorId) { edges { node { actorId actorRole caseId fields searchText } } }
}`;
const REPORT = `query ($m: String!) { monthlyReport(month: $m) { month slaByKind { kind met breached compliance } slaByCounter { counterId kind } throughput { date counterId accepted } } }`;

interface Found {
  cases: { totalCount: number; edges: { node: { id: string; reference: string } }[] };
}

describe('work-permit: case search', () => {
  let sys: TestSystem;
  let officer: string;
  let manager: string;
  let zoe: { id: string; reference: string };
  let wang: { id: string; reference: string };
  let other: { id: string; reference: string };

  const search = (by: string, text: string, token: string) =>
    sys.gql<Found>(SEARCH, { f: { search: { by, text } }, first: 50 }, token);
  const ids = (r: { data?: Found | null }) => r.data!.cases.edges.map((e) => e.node.id).sort();
  const logRows = async (): Promise<
    { actor_id: string; case_id: string | null; fields: string[]; search_text: string }[]
  > =>
    (
      await sys.sql.query(
        `SELECT actor_id, case_id, fields, search_text FROM wp.access_log WHERE search_text IS NOT NULL ORDER BY id`,
      )
    ).rows;

  beforeAll(async () => {
    sys = await startTestSystem();
    officer = await sys.token('WP_OFFICER');
    manager = await sys.token('MANAGER');
    const day = await today(sys);
    const applicant = applicantNamed;
    zoe = await fileCase(
      sys,
      await agencyToken(sys, 0),
      filing(AGENCY_A.employerIds[0], day, { applicant: applicant('Zoë Lefèvre-Müller', 'QZ8812345') }),
    );
    wang = await fileCase(
      sys,
      await agencyToken(sys, 1),
      filing(AGENCY_B.employerIds[0], day, { applicant: applicant('王小明', 'QY7712345') }),
    );
    other = await fileCase(
      sys,
      await agencyToken(sys, 1),
      filing(AGENCY_B.employerIds[1], day, { applicant: applicant('Zoe Martin', 'QY7799999') }),
    );
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('finds a name in Latin letters, partial, accents and case ignored, and logs who searched for what', async () => {
    const r = await search('APPLICANT_NAME', 'lefevre-MUL', officer);
    expect(r.errors).toBeUndefined();
    expect(ids(r)).toEqual([zoe.id]);
    const both = await search('APPLICANT_NAME', 'ZOË', officer);
    expect(ids(both)).toEqual([zoe.id, other.id].sort());
    expect((await logRows()).filter((l) => l.search_text === 'lefevre-MUL')).toEqual([
      { actor_id: 'wp_officer-test', case_id: zoe.id, fields: ['search.applicantName'], search_text: 'lefevre-MUL' },
    ]);
  });

  it('finds a name in Chinese characters, also one character of it, for a manager', async () => {
    const r = await search('APPLICANT_NAME', '小明', manager);
    expect(r.errors).toBeUndefined();
    expect(ids(r)).toEqual([wang.id]);
    expect(ids(await search('APPLICANT_NAME', '王', manager))).toEqual([wang.id]);
    const log = await sys.gql<{ caseAccessLog: { edges: { node: { fields: string[]; searchText: string } }[] } }>(
      LOG,
      { actorId: 'manager-test' },
      manager,
    );
    expect(log.data!.caseAccessLog.edges.map((e) => e.node.searchText)).toEqual(['王', '小明']);
  });

  it('finds by passport prefix, reference prefix and employer name', async () => {
    expect(ids(await search('PASSPORT_PREFIX', 'qy77', officer))).toEqual([wang.id, other.id].sort());
    expect(ids(await search('REFERENCE_PREFIX', wang.reference.toLowerCase(), officer))).toEqual([wang.id]);
    expect(ids(await search('EMPLOYER', 'biopharma', officer))).toEqual([wang.id]);
    expect(ids(await search('EMPLOYER', 'SOFTWARE stud', manager))).toEqual([other.id]);
  });

  it('scopes an agency to its own employers: it cannot find another agency’s case; passport prefixes are refused', async () => {
    const a = await agencyToken(sys, 0);
    expect(ids(await search('APPLICANT_NAME', 'zoe', a))).toEqual([zoe.id]);
    expect(ids(await search('APPLICANT_NAME', '王小明', a))).toEqual([]);
    expect(ids(await search('EMPLOYER', 'biopharma', a))).toEqual([]);
    expect(errorCode(await search('PASSPORT_PREFIX', 'QY77', a))).toBe('FORBIDDEN');
    expect(errorCode(await search('PASSPORT_PREFIX', 'QY77', manager))).toBe('FORBIDDEN');
    expect(errorCode(await sys.gql(SEARCH, { f: { search: { by: 'APPLICANT_NAME', text: 'zoe' } } }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses too short, too long and malformed texts with BAD_USER_INPUT and logs nothing', async () => {
    const before = (await logRows()).length;
    for (const [by, text] of [
      ['APPLICANT_NAME', 'zo'],
      ['APPLICANT_NAME', '   '],
      ['APPLICANT_NAME', 'x'.repeat(101)],
      ['EMPLOYER', '%%'],
      ['PASSPORT_PREFIX', 'Q-'],
      ['REFERENCE_PREFIX', 'OS%'],
    ] as const) {
      const r = await search(by, text, officer);
      expect(errorCode(r), `${by} ${text}`).toBe('BAD_USER_INPUT');
      expect(r.errors![0]!.extensions!.problems).toHaveLength(1);
    }
    expect((await logRows()).length).toBe(before);
  });

  it('pages through search results with the same filter', async () => {
    const one = await sys.gql<Found & { cases: { pageInfo: { endCursor: string } } }>(
      SEARCH,
      { f: { search: { by: 'PASSPORT_PREFIX', text: 'QY77' } }, first: 1 },
      officer,
    );
    const two = await sys.gql<Found>(
      SEARCH,
      { f: { search: { by: 'PASSPORT_PREFIX', text: 'QY77' } }, first: 1, after: one.data!.cases.pageInfo.endCursor },
      officer,
    );
    expect([...ids(one), ...ids(two)].sort()).toEqual([wang.id, other.id].sort());
  });

  it('monthlyReport: for staff, refused to agencies, BAD_USER_INPUT for a month that is not one', async () => {
    const month = (await today(sys)).slice(0, 7);
    const r = await sys.gql<{ monthlyReport: { month: string; slaByKind: { kind: string }[] } }>(
      REPORT,
      { m: month },
      manager,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.monthlyReport.month).toBe(month);
    expect(errorCode(await sys.gql(REPORT, { m: month }, await agencyToken(sys, 0)))).toBe('FORBIDDEN');
    expect(errorCode(await sys.gql(REPORT, { m: '2026-13' }, manager))).toBe('BAD_USER_INPUT');
  });
});
