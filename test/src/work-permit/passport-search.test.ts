/**
 * `cases(filter: { passportNumber })` through the gateway: officers and clerks find the cases
 * of one applicant by passport number (spaces and case ignored); agencies and managers may not;
 * every search is written to the access log, also one that finds nothing; bad input writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestSystem,
  type TestSystem,
  AGENCY_A,
  AGENCY_B,
  agencyToken,
  errorCode,
  fileCase,
  filing,
  today,
} from '../testkit/index.js';

const SEARCH = `query ($f: CaseFilter) {
  cases(filter: $f) { totalCount edges { node { id reference employerId } } }
}`;
const LOG = `query ($actorId: String) {
  caseAccessLog(actorId: $actorId) { edges { node { actorId actorRole caseId fields } } }
}`;

interface Found {
  cases: { totalCount: number; edges: { node: { id: string; reference: string; employerId: string } }[] };
}
interface LogEntry {
  actorId: string;
  actorRole: string;
  caseId: string | null;
  fields: string[];
}

describe('work-permit: search by passport number', () => {
  let sys: TestSystem;
  let officer: string;
  let manager: string;
  /** The same applicant filed by two employers (a change of employer), and someone else. */
  let first: { id: string };
  let second: { id: string };
  let other: { id: string };
  const PASSPORT = 'E77001234';

  const searchLog = async (): Promise<{ actor_id: string; case_id: string | null }[]> =>
    (
      await sys.sql.query(
        `SELECT actor_id, case_id FROM wp.access_log WHERE fields = ARRAY['search.passportNumber'] ORDER BY id`,
      )
    ).rows;

  beforeAll(async () => {
    sys = await startTestSystem();
    officer = await sys.token('WP_OFFICER');
    manager = await sys.token('MANAGER');
    const day = await today(sys);
    const applicant = (passportNumber: string) => ({
      fullName: 'Jana Novak',
      nationality: 'CZE',
      passportNumber,
      dateOfBirth: '1985-03-14',
      sex: 'FEMALE',
      householdRegistration: 'NEVER_REGISTERED',
    });
    first = await fileCase(
      sys,
      await agencyToken(sys, 0),
      filing(AGENCY_A.employerIds[0], day, { applicant: applicant(PASSPORT) }),
    );
    second = await fileCase(
      sys,
      await agencyToken(sys, 1),
      filing(AGENCY_B.employerIds[0], day, { applicant: applicant(PASSPORT.toLowerCase()) }),
    );
    other = await fileCase(
      sys,
      await agencyToken(sys, 0),
      filing(AGENCY_A.employerIds[0], day, { applicant: applicant('E77009999') }),
    );
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('rejects an unauthenticated caller, an agency (even for its own applicant) and a manager, and logs nothing', async () => {
    expect(errorCode(await sys.gql(SEARCH, { f: { passportNumber: PASSPORT } }))).toBe('UNAUTHENTICATED');
    const agency = await sys.gql(SEARCH, { f: { passportNumber: PASSPORT } }, await agencyToken(sys, 0));
    expect(errorCode(agency)).toBe('FORBIDDEN');
    expect(agency.errors![0]!.message).toMatch(/for officers and counter clerks/);
    expect(errorCode(await sys.gql(SEARCH, { f: { passportNumber: PASSPORT } }, manager))).toBe('FORBIDDEN');
    expect(await searchLog()).toEqual([]);
  });

  it('finds every case of that passport for an officer, ignoring spaces and case, and logs each case found', async () => {
    const found = await sys.gql<Found>(SEARCH, { f: { passportNumber: ' e77 001 234 ' } }, officer);
    expect(found.errors).toBeUndefined();
    expect(found.data!.cases.totalCount).toBe(2);
    expect(found.data!.cases.edges.map((e) => e.node.id).sort()).toEqual([first.id, second.id].sort());
    expect(found.data!.cases.edges.map((e) => e.node.id)).not.toContain(other.id);
    expect(await searchLog()).toEqual(
      expect.arrayContaining([
        { actor_id: 'wp_officer-test', case_id: first.id },
        { actor_id: 'wp_officer-test', case_id: second.id },
      ]),
    );
    expect(await searchLog()).toHaveLength(2);
  });

  it('combines with the other filters', async () => {
    const one = await sys.gql<Found>(
      SEARCH,
      { f: { passportNumber: PASSPORT, employerId: AGENCY_B.employerIds[0], status: ['SUBMITTED'] } },
      await sys.token('EE_OFFICER'),
    );
    expect(one.errors).toBeUndefined();
    expect(one.data!.cases.edges.map((e) => e.node.id)).toEqual([second.id]);
  });

  it('logs a search that finds nothing too (without a case), for a clerk; the manager reads the log', async () => {
    const before = (await searchLog()).length;
    const clerk = await sys.token('CLERK', { counterId: 'chaoyang-cbd' });
    const none = await sys.gql<Found>(SEARCH, { f: { passportNumber: 'X00000000' } }, clerk);
    expect(none.errors).toBeUndefined();
    expect(none.data!.cases).toEqual({ totalCount: 0, edges: [] });
    expect((await searchLog()).slice(before)).toEqual([{ actor_id: 'clerk-test', case_id: null }]);
    const log = await sys.gql<{ caseAccessLog: { edges: { node: LogEntry }[] } }>(
      LOG,
      { actorId: 'clerk-test' },
      manager,
    );
    expect(log.errors).toBeUndefined();
    expect(log.data!.caseAccessLog.edges.map((e) => e.node)).toEqual([
      { actorId: 'clerk-test', actorRole: 'CLERK', caseId: null, fields: ['search.passportNumber'] },
    ]);
  });

  it('lists every problem with bad input and logs nothing', async () => {
    const before = (await searchLog()).length;
    const bad = await sys.gql(
      SEARCH,
      {
        f: {
          passportNumber: 'E-1',
          submittedFrom: '2026-03-02T00:00:00Z',
          submittedTo: '2026-03-01T00:00:00Z',
        },
      },
      officer,
    );
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions!.problems).toEqual([
      'filter.submittedFrom is after filter.submittedTo',
      'filter.passportNumber must be 5 to 20 letters and digits (spaces are ignored)',
    ]);
    expect(errorCode(await sys.gql(SEARCH, { f: { passportNumber: '   ' } }, officer))).toBe('BAD_USER_INPUT');
    expect((await searchLog()).length).toBe(before);
  });
});
