import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, WorkingDayCalendar } from '@onestop/common';
import { preExamDue } from '@onestop/common/contract';
import { DEMO_AGENCIES, DEMO_EMPLOYERS } from '@onestop/common/testing';
import {
  startTestSystem,
  type TestSystem,
  AGENCY_A,
  agencyToken,
  CASE_FIELDS,
  errorCode,
  eventsOf,
  fileCase,
  FILE_CASE,
  filing,
  footprint,
  getCase,
  today,
  type CaseView,
} from '../testkit/index.js';

let sys: TestSystem;
let agency: string;
let officer: string;
let manager: string;
let day: string;
const EMP1 = AGENCY_A.employerIds[0];
const EMP2 = AGENCY_A.employerIds[1];
const OTHER_EMP = DEMO_AGENCIES[1].employerIds[0];

beforeAll(async () => {
  sys = await startTestSystem();
  agency = await agencyToken(sys, 0);
  officer = await sys.token('WP_OFFICER', { name: 'Officer Zhao' });
  manager = await sys.token('MANAGER');
  day = await today(sys);
});
afterAll(async () => {
  await sys?.stop();
});

describe('employers and agencies', () => {
  const REGISTER = `mutation($i: RegisterEmployerInput!) { registerEmployer(input: $i) { id name creditCode handlers { fullName } } }`;

  it('the demo employers and agencies are seeded; an agency sees only its own', async () => {
    const all = await sys.gql<{ employers: { id: string }[]; agencies: { id: string; employers: { id: string }[] }[] }>(
      '{ employers { id } agencies { id employers { id } } }',
      {},
      manager,
    );
    expect(all.data!.employers.map((e) => e.id).sort()).toEqual(DEMO_EMPLOYERS.map((e) => e.id).sort());
    expect(all.data!.agencies.map((a) => a.id).sort()).toEqual(DEMO_AGENCIES.map((a) => a.id).sort());
    const own = await sys.gql<{ employers: { id: string }[]; agencies: { id: string }[] }>(
      '{ employers { id } agencies { id } }',
      {},
      agency,
    );
    expect(own.data!.employers.map((e) => e.id).sort()).toEqual([...AGENCY_A.employerIds].sort());
    expect(own.data!.agencies.map((a) => a.id)).toEqual([AGENCY_A.id]);
    const other = await sys.gql('query($id: ID!) { employer(id: $id) { name } }', { id: OTHER_EMP }, agency);
    expect(errorCode(other)).toBe('NOT_FOUND');
  });

  it('rejects unauthenticated reads and non-managers registering', async () => {
    expect(errorCode(await sys.gql('{ employers { id } }'))).toBe('UNAUTHENTICATED');
    const r = await sys.gql(REGISTER, { i: { name: 'X Ltd.', creditCode: '91350100M000100Y43' } }, agency);
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect((await sys.sql.query(`SELECT 1 FROM wp.employer WHERE credit_code = '91350100M000100Y43'`)).rowCount).toBe(
      0,
    );
  });

  it('a manager registers an employer with handlers; the credit code is unique', async () => {
    const r = await sys.gql<{ registerEmployer: { id: string; creditCode: string; handlers: { fullName: string }[] } }>(
      REGISTER,
      { i: { name: 'Fuzhou Example Co.', creditCode: ' 91350100m000100y43 ', handlers: ['Chen Jie', 'Sun Li'] } },
      manager,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerEmployer).toMatchObject({
      creditCode: '91350100M000100Y43',
      handlers: [{ fullName: 'Chen Jie' }, { fullName: 'Sun Li' }],
    });
    const again = await sys.gql(REGISTER, { i: { name: 'Another name', creditCode: '91350100M000100Y43' } }, manager);
    expect(errorCode(again)).toBe('CONFLICT');
    const agencyR = await sys.gql<{ registerAgency: { id: string; employers: { id: string }[] } }>(
      'mutation($i: RegisterAgencyInput!) { registerAgency(input: $i) { id name employers { id } } }',
      { i: { name: 'Fuzhou Relocation', employerIds: [r.data!.registerEmployer.id] } },
      manager,
    );
    expect(agencyR.data!.registerAgency.employers).toEqual([{ id: r.data!.registerEmployer.id }]);
  });

  it('a mistyped credit code is refused with every problem, and nothing is written', async () => {
    const before = await sys.sql.query('SELECT count(*)::int AS n FROM wp.employer');
    const r = await sys.gql(REGISTER, { i: { name: '', creditCode: '91350100M000100Y44', handlers: [''] } }, manager);
    expect(errorCode(r)).toBe('BAD_USER_INPUT');
    const problems = r.errors![0]!.extensions!.problems as string[];
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/check character 4, but GB 32100-2015 gives 3/);
    const unknown = await sys.gql(
      'mutation($i: RegisterAgencyInput!) { registerAgency(input: $i) { id } }',
      { i: { name: 'Nobody', employerIds: ['00000000-0000-4000-8000-000000000000'] } },
      manager,
    );
    expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
    expect((await sys.sql.query('SELECT count(*)::int AS n FROM wp.employer')).rows[0].n).toBe(before.rows[0].n);
  });
});

describe('filing a case', () => {
  it('rejects unauthenticated callers, other roles and another employer, writing nothing', async () => {
    const before = await footprint(sys);
    expect(errorCode(await sys.gql(FILE_CASE, { i: filing(EMP1, day) }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await sys.gql(FILE_CASE, { i: filing(EMP1, day) }, officer))).toBe('FORBIDDEN');
    const other = await sys.gql(FILE_CASE, { i: filing(OTHER_EMP, day) }, agency);
    expect(errorCode(other)).toBe('FORBIDDEN');
    expect(other.errors![0]!.message).toMatch(/does not act for employer/);
    expect(await footprint(sys)).toEqual(before);
  });

  it('files every route and category, with the pre-examination due time on the official calendar', async () => {
    const calendar = WorkingDayCalendar.fromOfficialData();
    const variants: Record<string, unknown>[] = [
      { category: 'A', points: 92 },
      { category: 'B', points: 70 },
      { category: 'C', points: 40 },
      {
        route: 'IN_MAINLAND',
        notificationLetterNumber: null,
        inMainlandBasis: 'CATEGORY_A_ANY_VALID_VISA',
        category: 'A',
      },
      { route: 'IN_MAINLAND', notificationLetterNumber: null, inMainlandBasis: 'REUNION', category: 'B' },
      { route: 'IN_MAINLAND', notificationLetterNumber: null, inMainlandBasis: 'TRANSFER', category: 'C' },
      { route: 'IN_MAINLAND', notificationLetterNumber: null, inMainlandBasis: 'OTHER', category: 'B' },
      {
        route: 'RENEWAL',
        notificationLetterNumber: null,
        category: 'A',
        renewal: {
          currentWorkPermitNumber: 'WP-1100-0001',
          currentResidencePermitNumber: 'RP-1100-0001',
          currentPermitsExpireOn: addCalendarDays(day, 60),
        },
      },
    ];
    for (const v of variants) {
      const input = filing(EMP2, day, v);
      const c = await fileCase(sys, agency, input);
      expect(c).toMatchObject({
        status: 'SUBMITTED',
        route: input.route,
        category: input.category,
        employerId: EMP2,
        preExamOverdue: false,
      });
      expect(c.reference).toMatch(/^OS-\d{4}-\d{6}$/);
      const due = preExamDue(calendar, new Date(c.submittedAt), c.category as 'A' | 'B' | 'C');
      expect(c.preExamDueAt).toBe(due.due.toISOString());
      expect(c.preExamDueProvisional).toBe(due.provisional);
      expect(c.timeline).toEqual([
        expect.objectContaining({
          action: 'FILED',
          fromStatus: null,
          toStatus: 'SUBMITTED',
          actorId: 'agency-0-handler',
        }),
      ]);
      const events = await eventsOf(sys, c.id);
      expect(events.map((e) => e.type)).toEqual(['case.submitted', 'case.status-changed']);
      expect(events[0]!.employerId).toBe(EMP2);
      expect(events[0]!.payload).toMatchObject({
        caseId: c.id,
        reference: c.reference,
        employerId: EMP2,
        agencyId: AGENCY_A.id,
        category: c.category,
        route: c.route,
        applicant: { fullName: c.applicant.fullName, nationality: 'DEU', dateOfBirth: '1988-06-30', sex: 'FEMALE' },
        filedOn: day,
        preExamDueAt: c.preExamDueAt,
      });
      expect(events[1]!.payload).toEqual({
        caseId: c.id,
        reference: c.reference,
        from: 'NONE',
        to: 'SUBMITTED',
        category: c.category,
      });
    }
    const renewal = await sys.gql<{
      cases: { edges: { node: { routeDetails: { currentPermitsExpireOn: string } } }[] };
    }>(
      '{ cases(filter: { route: [RENEWAL] }) { edges { node { routeDetails { currentPermitsExpireOn } } } } }',
      {},
      officer,
    );
    expect(renewal.data!.cases.edges.map((e) => e.node.routeDetails.currentPermitsExpireOn)).toEqual([
      addCalendarDays(day, 60),
    ]);
  });

  it('bad input lists every problem and writes nothing', async () => {
    const before = await footprint(sys);
    const r = await sys.gql(
      FILE_CASE,
      {
        i: filing(EMP1, day, {
          category: 'B',
          points: 90,
          notificationLetterNumber: null,
          applicant: {
            fullName: 'X',
            nationality: 'XYZ',
            passportNumber: '!!',
            dateOfBirth: '1990-02-30',
            sex: 'MALE',
            householdRegistration: 'CANCELLED',
          },
          attachments: [],
          passportExpiresOn: day,
        }),
      },
      agency,
    );
    expect(errorCode(r)).toBe('BAD_USER_INPUT');
    const problems = r.errors![0]!.extensions!.problems as string[];
    expect(problems).toEqual([
      expect.stringMatching(/notificationLetterNumber is required/),
      expect.stringMatching(/points 90 make Category A, not B/),
      expect.stringMatching(/nationality must be an ISO 3166-1 alpha-3/),
      expect.stringMatching(/passportNumber must be 5 to 20/),
      expect.stringMatching(/dateOfBirth must be a date/),
      expect.stringMatching(/attachments must list/),
      expect.stringMatching(/passportExpiresOn .* has passed/),
    ]);
    expect(await footprint(sys)).toEqual(before);
  });

  it('refuses a person who has not cancelled a mainland household registration', async () => {
    const before = await footprint(sys);
    const input = filing(EMP1, day);
    (input.applicant as Record<string, unknown>).householdRegistration = 'NOT_CANCELLED';
    const r = await sys.gql(FILE_CASE, { i: input }, agency);
    expect(errorCode(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.message).toMatch(/must cancel it before applying/);
    expect(await footprint(sys)).toEqual(before);
    (input.applicant as Record<string, unknown>).householdRegistration = 'CANCELLED';
    const ok = await fileCase(sys, agency, { ...input, idempotencyKey: `${String(input.idempotencyKey)}-cancelled` });
    expect(ok.applicant).toMatchObject({ householdRegistration: 'CANCELLED' });
  });

  it('renewal window edges: 29 and 91 days left are refused, 30 and 90 accepted', async () => {
    const renewal = (days: number): Record<string, unknown> =>
      filing(EMP1, day, {
        route: 'RENEWAL',
        notificationLetterNumber: null,
        renewal: {
          currentWorkPermitNumber: 'WP-1100-0002',
          currentResidencePermitNumber: 'RP-1100-0002',
          currentPermitsExpireOn: addCalendarDays(day, days),
        },
      });
    const before = await footprint(sys);
    const r29 = await sys.gql(FILE_CASE, { i: renewal(29) }, agency);
    expect(errorCode(r29)).toBe('BAD_USER_INPUT');
    expect(r29.errors![0]!.message).toMatch(/29 days away: a renewal must be filed at least 30 days before/);
    const r91 = await sys.gql(FILE_CASE, { i: renewal(91) }, agency);
    expect(errorCode(r91)).toBe('BAD_USER_INPUT');
    expect(r91.errors![0]!.message).toMatch(/91 days away: a renewal can be filed at most 90 days before/);
    expect(await footprint(sys)).toEqual(before);
    expect((await fileCase(sys, agency, renewal(30))).route).toBe('RENEWAL');
    expect((await fileCase(sys, agency, renewal(90))).route).toBe('RENEWAL');
  });

  it('is idempotent under concurrent retries: the same key 10 times at once makes one case', async () => {
    const input = filing(EMP1, day);
    const before = await footprint(sys);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        sys.gql<{ fileCase: { id: string; reference: string } }>(FILE_CASE, { i: input }, agency),
      ),
    );
    for (const r of results) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(new Set(results.map((r) => r.data!.fileCase.id)).size).toBe(1);
    const after = await footprint(sys);
    expect(after.cases - before.cases).toBe(1);
    expect(after.counters - before.counters).toBe(1);
    expect(after.events - before.events).toBe(2);
    const conflict = await sys.gql(FILE_CASE, { i: { ...input, category: 'C' } }, agency);
    expect(errorCode(conflict)).toBe('CONFLICT');
    expect(conflict.errors![0]!.message).toContain(results[0]!.data!.fileCase.reference);
    expect(await footprint(sys)).toEqual(after);
  });

  it('assigns references without gaps or duplicates under 20 concurrent filings', async () => {
    const year = day.slice(0, 4);
    const last = await sys.sql.query<{ last_value: number }>(
      'SELECT last_value FROM wp.case_reference_counter WHERE year = $1',
      [Number(year)],
    );
    const start = last.rows[0]?.last_value ?? 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sys.gql<{ fileCase: { reference: string } }>(FILE_CASE, { i: filing(i % 2 ? EMP1 : EMP2, day) }, agency),
      ),
    );
    for (const r of results) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const refs = results.map((r) => r.data!.fileCase.reference).sort();
    expect(refs).toEqual(Array.from({ length: 20 }, (_, i) => `OS-${year}-${String(start + i + 1).padStart(6, '0')}`));
  });
});

describe('pre-examination', () => {
  const PASS = `mutation($i: PassPreExaminationInput!) { passPreExamination(input: $i) { ${CASE_FIELDS} } }`;
  const RETURN = `mutation($i: ReturnCaseInput!) { returnCase(input: $i) { ${CASE_FIELDS} } }`;
  const RESUBMIT = `mutation($i: ResubmitCaseInput!) { resubmitCase(input: $i) { ${CASE_FIELDS} } }`;
  const WITHDRAW = `mutation($i: WithdrawCaseInput!) { withdrawCase(input: $i) { ${CASE_FIELDS} } }`;

  it('the one-time notification loop: return listing every item → resubmit with corrections → pass', async () => {
    const c = await fileCase(sys, agency, filing(EMP1, day, { category: 'A' }));
    expect(errorCode(await sys.gql(RETURN, { i: { caseId: c.id, items: [{ field: 'x', problem: 'y' }] } }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      errorCode(await sys.gql(RETURN, { i: { caseId: c.id, items: [{ field: 'x', problem: 'y' }] } }, agency)),
    ).toBe('FORBIDDEN');
    const empty = await sys.gql(RETURN, { i: { caseId: c.id, items: [] } }, officer);
    expect(errorCode(empty)).toBe('BAD_USER_INPUT');

    const items = [
      { field: 'applicant.passportNumber', problem: 'Does not match the scanned passport page' },
      { field: 'attachments', problem: 'The degree certificate needs a certified translation' },
    ];
    const returned = await sys.gql<{ returnCase: CaseView }>(RETURN, { i: { caseId: c.id, items } }, officer);
    expect(returned.errors).toBeUndefined();
    expect(returned.data!.returnCase.status).toBe('RETURNED');
    expect(returned.data!.returnCase.returnNotification).toMatchObject({ items, returnCount: 1 });
    expect((await eventsOf(sys, c.id, ['case.returned']))[0]!.payload).toMatchObject({ caseId: c.id, items });

    // Passing a returned case is not a move the lifecycle has.
    expect(errorCode(await sys.gql(PASS, { i: { caseId: c.id } }, officer))).toBe('INVALID_TRANSITION');

    const badFix = await sys.gql(
      RESUBMIT,
      { i: { caseId: c.id, corrections: { applicant: { passportNumber: '?' } } } },
      agency,
    );
    expect(errorCode(badFix)).toBe('BAD_USER_INPUT');
    const resubmitted = await sys.gql<{ resubmitCase: CaseView }>(
      RESUBMIT,
      {
        i: {
          caseId: c.id,
          corrections: {
            applicant: { passportNumber: 'E99887766' },
            attachments: ['Degree certificate (certified translation)', 'Employment contract'],
          },
        },
      },
      agency,
    );
    expect(resubmitted.errors).toBeUndefined();
    const r = resubmitted.data!.resubmitCase;
    expect(r).toMatchObject({ status: 'SUBMITTED', applicant: { passportNumber: 'E99887766' } });
    expect(r.resubmittedAt).not.toBeNull();
    const due = preExamDue(WorkingDayCalendar.fromOfficialData(), new Date(r.resubmittedAt!), 'A');
    expect(r.preExamDueAt).toBe(due.due.toISOString());
    const resubmittedEvent = (await eventsOf(sys, c.id, ['case.resubmitted']))[0]!;
    expect(resubmittedEvent.payload).toMatchObject({
      resubmission: true,
      preExamDueAt: r.preExamDueAt,
      submittedAt: r.resubmittedAt,
      filedOn: day,
    });
    expect(errorCode(await sys.gql(RESUBMIT, { i: { caseId: c.id } }, agency))).toBe('INVALID_TRANSITION');

    const passed = await sys.gql<{ passPreExamination: CaseView }>(
      PASS,
      { i: { caseId: c.id, note: 'All in order' } },
      officer,
    );
    expect(passed.errors).toBeUndefined();
    expect(passed.data!.passPreExamination.status).toBe('PRE_EXAM_PASSED');
    expect(passed.data!.passPreExamination.timeline.map((t) => [t.action, t.toStatus])).toEqual([
      ['FILED', 'SUBMITTED'],
      ['RETURNED', 'RETURNED'],
      ['RESUBMITTED', 'SUBMITTED'],
      ['PRE_EXAM_PASSED', 'PRE_EXAM_PASSED'],
    ]);
    expect((await eventsOf(sys, c.id)).map((e) => e.type)).toEqual([
      'case.submitted',
      'case.status-changed',
      'case.returned',
      'case.status-changed',
      'case.resubmitted',
      'case.status-changed',
      'case.pre-exam-passed',
      'case.status-changed',
    ]);
  });

  it('an agency withdraws before acceptance; pre-examining the withdrawn case changes nothing', async () => {
    const c = await fileCase(sys, agency, filing(EMP1, day));
    const other = await agencyToken(sys, 1);
    expect(errorCode(await sys.gql(WITHDRAW, { i: { caseId: c.id } }, other))).toBe('NOT_FOUND');
    const w = await sys.gql<{ withdrawCase: CaseView }>(
      WITHDRAW,
      { i: { caseId: c.id, reason: 'The applicant took another offer' } },
      agency,
    );
    expect(w.data!.withdrawCase).toMatchObject({ status: 'WITHDRAWN' });
    expect((await eventsOf(sys, c.id, ['case.withdrawn']))[0]!.payload).toMatchObject({
      from: 'SUBMITTED',
      reason: 'The applicant took another offer',
    });
    const before = await footprint(sys);
    for (const [q, i] of [
      [PASS, { caseId: c.id }],
      [RETURN, { caseId: c.id, items: [{ field: 'a', problem: 'b' }] }],
    ] as const) {
      const r = await sys.gql(q, { i }, officer);
      expect(errorCode(r)).toBe('INVALID_TRANSITION');
      expect(r.errors![0]!.message).toMatch(/is WITHDRAWN/);
    }
    expect(errorCode(await sys.gql(WITHDRAW, { i: { caseId: c.id } }, agency))).toBe('INVALID_TRANSITION');
    expect(await footprint(sys)).toEqual(before);
    expect((await getCase(sys, officer, c.id)).status).toBe('WITHDRAWN');
  });
});

describe('personal data', () => {
  it('is masked for a manager, shown to officers and the agency; staff reads are logged', async () => {
    const c = await fileCase(sys, agency, filing(EMP1, day));
    const full = c.applicant.passportNumber;
    const asManager = await getCase(sys, manager, c.id);
    expect(asManager.applicant).toMatchObject({
      passportNumber: `${full.slice(0, 5)}${'*'.repeat(full.length - 5)}`,
      dateOfBirth: '1988-**-**',
      personalDataMasked: true,
    });
    expect(await getCase(sys, agency, c.id)).toMatchObject({
      applicant: { passportNumber: full, personalDataMasked: false },
    });
    const logged = async (): Promise<{ actor_id: string; fields: string[] }[]> =>
      (await sys.sql.query('SELECT actor_id, fields FROM wp.access_log WHERE case_id = $1 ORDER BY id', [c.id])).rows;
    expect(await logged()).toEqual([]);
    const asOfficer = await getCase(sys, officer, c.id);
    expect(asOfficer.applicant).toMatchObject({ passportNumber: full, dateOfBirth: '1988-06-30' });
    expect(await logged()).toEqual([
      { actor_id: 'wp_officer-test', fields: ['applicant.dateOfBirth', 'applicant.passportNumber'] },
    ]);

    const log = await sys.gql<{
      caseAccessLog: { edges: { node: { actorId: string; actorRole: string; fields: string[] } }[] };
    }>(
      'query($c: ID) { caseAccessLog(caseId: $c) { edges { node { actorId actorRole fields } } pageInfo { hasNextPage } } }',
      { c: c.id },
      manager,
    );
    expect(log.data!.caseAccessLog.edges.map((e) => e.node)).toEqual([
      {
        actorId: 'wp_officer-test',
        actorRole: 'WP_OFFICER',
        fields: ['applicant.dateOfBirth', 'applicant.passportNumber'],
      },
    ]);
    expect(errorCode(await sys.gql('{ caseAccessLog { edges { cursor } } }', {}, officer))).toBe('FORBIDDEN');
    expect(errorCode(await sys.gql('{ caseAccessLog { edges { cursor } } }'))).toBe('UNAUTHENTICATED');
  });
});
