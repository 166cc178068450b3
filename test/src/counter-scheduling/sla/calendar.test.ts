/**
 * The working-day calendar through GraphQL (issue 3): months and years for every role, a
 * MANAGER's notices and closures, and the recomputation of open SLA deadlines they cause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENCIES, DEMO_EMPLOYERS } from '@onestop/common/testing';
import { startTestSystem, waitFor, type TestSystem, CaseEvents, consumed } from '../../testkit/index.js';

const E1 = DEMO_EMPLOYERS[0].id;

/** A 2027 notice (test data: `chinese-days` has no 2027). */
const NOTICE_2027 = {
  year: 2027,
  holidays: [
    { name: "New Year's Day", from: '2027-01-01', to: '2027-01-03' },
    { name: 'Spring Festival', from: '2027-02-06', to: '2027-02-13' },
    { name: 'National Day', from: '2027-10-01', to: '2027-10-07' },
  ],
  adjustedWorkdays: [
    { date: '2027-02-20', name: 'Spring Festival' },
    { date: '2027-10-09', name: null },
  ],
};

const LOAD = `mutation ($n: HolidayNoticeInput!) {
  loadHolidayNotice(notice: $n) { year official provisional source loadedBy }
}`;
const ADD = `mutation ($d: String!, $n: String!) { addClosure(date: $d, name: $n) { date kind working name provisional } }`;
const REMOVE = `mutation ($d: String!) { removeClosure(date: $d) { date kind working name provisional } }`;
const MONTH = `query ($y: Int!, $m: Int!) {
  calendarMonth(year: $y, month: $m) { year month provisional workingDays days { date kind working name provisional } }
}`;

describe('calendar', () => {
  let sys: TestSystem;
  let manager: string;
  let agency: string;

  beforeAll(async () => {
    sys = await startTestSystem();
    manager = await sys.token('MANAGER');
    agency = await sys.token('AGENCY', {
      agencyId: DEMO_AGENCIES[0].id,
      employerIds: [...DEMO_AGENCIES[0].employerIds],
    });
  });
  afterAll(async () => {
    await sys?.stop();
  });

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    (await sys.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) q`, params)).rows[0]!.n;
  const calendarEvents = (): Promise<number> =>
    count(`SELECT 1 FROM platform.event_log WHERE type = 'calendar.changed'`);

  describe('reading', () => {
    type Month = {
      calendarMonth: {
        provisional: boolean;
        workingDays: number;
        days: { date: string; kind: string; working: boolean; name: string | null; provisional: boolean }[];
      };
    };

    it('shows a month to any signed-in role, with the 2026 Spring Festival and its working Saturday', async () => {
      for (const role of ['AGENCY', 'CLERK', 'WP_OFFICER', 'EE_OFFICER', 'MANAGER'] as const) {
        const res = await sys.gql<Month>(MONTH, { y: 2026, m: 2 }, await sys.token(role));
        expect(res.errors, role).toBeUndefined();
      }
      const res = await sys.gql<Month>(MONTH, { y: 2026, m: 2 }, agency);
      const days = new Map(res.data!.calendarMonth.days.map((d) => [d.date, d]));
      expect(res.data!.calendarMonth.days).toHaveLength(28);
      expect(res.data!.calendarMonth.provisional).toBe(false);
      expect(days.get('2026-02-14')).toEqual({
        date: '2026-02-14',
        kind: 'ADJUSTED_WORKDAY',
        working: true,
        name: 'Spring Festival',
        provisional: false,
      });
      expect(days.get('2026-02-17')).toMatchObject({ kind: 'HOLIDAY', working: false, name: 'Spring Festival' });
      expect(days.get('2026-02-26')).toMatchObject({ kind: 'WORKDAY', working: true, name: null });
    });

    it('marks a month of a year without official data provisional', async () => {
      const res = await sys.gql<Month>(MONTH, { y: 2028, m: 1 }, agency);
      expect(res.data!.calendarMonth.provisional).toBe(true);
      expect(res.data!.calendarMonth.days.every((d) => d.provisional)).toBe(true);
      // Without the notice, 1 January 2028 (a Saturday) is just a weekend day.
      expect(res.data!.calendarMonth.days[0]).toMatchObject({ date: '2028-01-01', kind: 'WEEKEND' });
    });

    it('rejects an unauthenticated caller and lists every problem with a bad month', async () => {
      expect((await sys.gql(MONTH, { y: 2026, m: 2 }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const res = await sys.gql(MONTH, { y: 1999, m: 13 }, agency);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions?.problems).toEqual([
        'year: must be a year from 2000 to 2100, got 1999',
        'month: must be 1 to 12, got 13',
      ]);
    });

    it('lists which years are official and which are provisional', async () => {
      const res = await sys.gql<{
        calendarYears: { year: number; official: boolean; provisional: boolean; source: string }[];
      }>('{ calendarYears { year official provisional source } }', {}, agency);
      const years = new Map(res.data!.calendarYears.map((y) => [y.year, y]));
      expect(years.get(2026)).toEqual({ year: 2026, official: true, provisional: false, source: 'BUNDLED' });
      expect(years.get(2027)).toEqual({ year: 2027, official: false, provisional: true, source: 'NONE' });
      expect(years.get(2004)?.official).toBe(true);
      expect(years.has(2028)).toBe(true);
      expect((await sys.gql('{ calendarYears { year } }', {}, null)).errors?.[0]?.extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
    });
  });

  describe('loading a notice recomputes provisional deadlines', () => {
    let preExam: CaseEvents;
    let accepted: CaseEvents;

    beforeAll(async () => {
      preExam = new CaseEvents(sys, E1, 'B');
      accepted = new CaseEvents(sys, E1, 'C');
      // Submitted on Wed 30 Dec 2026: three working days run into 2027, which has no data yet.
      await preExam.submitted(new Date('2026-12-30T10:00:00+08:00'));
      // Accepted on Thu 24 Dec 2026: issuance ends in 2026; the 10-day custody runs into 2027.
      await accepted.submitted(new Date('2026-12-20T10:00:00+08:00'));
      await consumed(sys, await accepted.documentsAccepted(new Date('2026-12-24T10:00:00+08:00'), 'dongcheng'));
    });

    it('marks a deadline in a year without official data provisional', async () => {
      const [clock] = await preExam.clocks();
      expect(clock).toMatchObject({ kind: 'PRE_EXAMINATION', provisional: true });
      // Dec 31, then Fri 1 and Mon 4 Jan 2027 on the Monday-to-Friday guess.
      expect(clock!.dueAt.toISOString()).toBe('2027-01-04T16:00:00.000Z');
      const custody = (await accepted.clocks()).find((k) => k.kind === 'PASSPORT_CUSTODY')!;
      expect(custody).toMatchObject({ provisional: true, counterId: 'dongcheng' });
      expect(custody.dueAt.toISOString()).toBe('2027-01-07T16:00:00.000Z');
      const issuance = (await accepted.clocks()).find((k) => k.kind === 'ISSUANCE')!;
      expect(issuance).toMatchObject({ provisional: false });
      expect(issuance.dueAt.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    });

    it('refuses anyone but a MANAGER, and an unauthenticated caller', async () => {
      for (const role of ['AGENCY', 'CLERK', 'WP_OFFICER', 'EE_OFFICER'] as const) {
        const res = await sys.gql(LOAD, { n: NOTICE_2027 }, await sys.token(role));
        expect(res.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN');
      }
      expect((await sys.gql(LOAD, { n: NOTICE_2027 }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(await count('SELECT 1 FROM platform.calendar_year WHERE year = 2027')).toBe(0);
    });

    it('rejects a bad notice listing every problem, and writes nothing', async () => {
      const res = await sys.gql(
        LOAD,
        {
          n: {
            year: 2027,
            holidays: [
              { name: '', from: '2027-02-30', to: '2027-02-01' },
              { name: 'Labour Day', from: '2027-05-01', to: '2027-05-05' },
              { name: 'Overlap', from: '2027-05-05', to: '2027-05-06' },
              { name: 'Wrong year', from: '2026-10-01', to: '2026-10-02' },
            ],
            adjustedWorkdays: [
              { date: '2027-03-10', name: null },
              { date: '2027-05-02', name: 'Labour Day' },
            ],
          },
        },
        manager,
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions?.problems).toEqual([
        'holidays[0].name: must be a non-empty text, got ""',
        'holidays[0].from: "2027-02-30" is not a valid date in the form YYYY-MM-DD',
        "holidays[3].from: 2026-10-01 is outside the 2027 notice (dates fall in 2027; only a New Year's span may reach back to 2026-12-25 or forward to 2028-01-07)",
        "holidays[3].to: 2026-10-02 is outside the 2027 notice (dates fall in 2027; only a New Year's span may reach back to 2026-12-25 or forward to 2028-01-07)",
        'holidays[1] (Labour Day, 2027-05-01 to 2027-05-05 (5 days)) overlaps holidays[2] (Overlap, 2027-05-05 to 2027-05-06 (2 days))',
        'adjustedWorkdays[0].date: 2027-03-10 is a Wednesday; an adjusted working day is always a Saturday or Sunday',
        'adjustedWorkdays[1].date: 2027-05-02 is inside holidays[1] (Labour Day, 2027-05-01 to 2027-05-05 (5 days))',
      ]);
      expect(await count('SELECT 1 FROM platform.calendar_year')).toBe(0);
      expect(await count(`SELECT 1 FROM platform.calendar_entry`)).toBe(0);
      expect(await calendarEvents()).toBe(0);
    });

    it('loads the notice: the year turns official, deadlines move past the new holiday and stop being provisional', async () => {
      const res = await sys.gql<{ loadHolidayNotice: unknown }>(LOAD, { n: NOTICE_2027 }, manager);
      expect(res.errors).toBeUndefined();
      expect(res.data!.loadHolidayNotice).toEqual({
        year: 2027,
        official: true,
        provisional: false,
        source: 'LOADED',
        loadedBy: 'manager-test',
      });
      const events = await sys.sql.query<{ payload: { years: number[] } }>(
        `SELECT payload FROM platform.event_log WHERE type = 'calendar.changed'`,
      );
      expect(events.rows.map((e) => e.payload.years)).toEqual([[2027]]);

      const moved = await waitFor(
        async () => {
          const [clock] = await preExam.clocks();
          return !clock!.provisional && clock;
        },
        15_000,
        'the pre-examination deadline to be recomputed',
      );
      // Fri 1 Jan 2027 is now a holiday: Dec 31, Mon 4, Tue 5 Jan.
      expect(moved.dueAt.toISOString()).toBe('2027-01-05T16:00:00.000Z');
      const custody = (await accepted.clocks()).find((k) => k.kind === 'PASSPORT_CUSTODY')!;
      expect(custody.provisional).toBe(false);
      expect(custody.dueAt.toISOString()).toBe('2027-01-08T16:00:00.000Z');

      const changed = await sys.sql.query<{ aggregate_id: string; payload: Record<string, unknown> }>(
        `SELECT aggregate_id, payload FROM platform.event_log WHERE type = 'sla.deadline-changed' ORDER BY id`,
      );
      expect(changed.rows.find((e) => e.aggregate_id === preExam.caseId)?.payload).toMatchObject({
        clockId: moved.id,
        kind: 'PRE_EXAMINATION',
        previousDueAt: '2027-01-04T16:00:00.000Z',
        dueAt: '2027-01-05T16:00:00.000Z',
        previousProvisional: true,
        provisional: false,
        years: [2027],
      });
      // Issuance ended in 2026: untouched, no event.
      expect(changed.rows.filter((e) => e.aggregate_id === accepted.caseId).map((e) => e.payload.kind)).toEqual([
        'PASSPORT_CUSTODY',
      ]);

      const month = await sys.gql<{
        calendarMonth: { provisional: boolean; days: { date: string; kind: string; name: string | null }[] };
      }>(MONTH, { y: 2027, m: 1 }, agency);
      expect(month.data!.calendarMonth.provisional).toBe(false);
      expect(month.data!.calendarMonth.days[0]).toMatchObject({
        date: '2027-01-01',
        kind: 'HOLIDAY',
        name: "New Year's Day",
      });
      const years = await sys.gql<{ calendarYears: { year: number; source: string }[] }>(
        '{ calendarYears { year source } }',
        {},
        agency,
      );
      expect(years.data!.calendarYears.find((y) => y.year === 2027)?.source).toBe('LOADED');
    });

    describe('closures', () => {
      const deadline = async (): Promise<string> => (await preExam.clocks())[0]!.dueAt.toISOString();

      it('refuses anyone but a MANAGER, and an unauthenticated caller', async () => {
        expect((await sys.gql(ADD, { d: '2027-01-05', n: 'Snow' }, agency)).errors?.[0]?.extensions?.code).toBe(
          'FORBIDDEN',
        );
        expect(
          (await sys.gql(ADD, { d: '2027-01-05', n: 'Snow' }, await sys.token('CLERK'))).errors?.[0]?.extensions?.code,
        ).toBe('FORBIDDEN');
        expect((await sys.gql(ADD, { d: '2027-01-05', n: 'Snow' }, null)).errors?.[0]?.extensions?.code).toBe(
          'UNAUTHENTICATED',
        );
        expect((await sys.gql(REMOVE, { d: '2027-01-05' }, agency)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(await count(`SELECT 1 FROM platform.calendar_entry WHERE kind = 'CLOSURE'`)).toBe(0);
      });

      it('lists every problem with a bad closure and writes nothing', async () => {
        const events = await calendarEvents();
        const bad = await sys.gql(ADD, { d: '2027-02-30', n: '   ' }, manager);
        expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(bad.errors?.[0]?.extensions?.problems).toEqual([
          'date: "2027-02-30" is not a valid date in the form YYYY-MM-DD',
          'name: must say why the service is closed, got an empty text',
        ]);
        const past = await sys.gql(ADD, { d: '2026-01-05', n: 'Too late' }, manager);
        expect(past.errors?.[0]?.extensions?.problems).toEqual([
          expect.stringMatching(
            /^date: 2026-01-05 is in the past \(today is 2026-\d\d-\d\d\); clocks have already run on that day$/,
          ),
        ]);
        expect(await count(`SELECT 1 FROM platform.calendar_entry WHERE kind = 'CLOSURE'`)).toBe(0);
        expect(await calendarEvents()).toBe(events);
      });

      it('a closure on a working day moves the deadlines it is in the way of; removing it moves them back', async () => {
        expect(await deadline()).toBe('2027-01-05T16:00:00.000Z');
        const added = await sys.gql<{ addClosure: unknown }>(ADD, { d: '2027-01-05', n: 'Heavy snow' }, manager);
        expect(added.errors).toBeUndefined();
        expect(added.data!.addClosure).toEqual({
          date: '2027-01-05',
          kind: 'CLOSURE',
          working: false,
          name: 'Heavy snow',
          provisional: false,
        });
        await waitFor(async () => (await deadline()) === '2027-01-06T16:00:00.000Z', 15_000, 'the deadline to move');

        const removed = await sys.gql<{ removeClosure: unknown }>(REMOVE, { d: '2027-01-05' }, manager);
        expect(removed.data!.removeClosure).toEqual({
          date: '2027-01-05',
          kind: 'WORKDAY',
          working: true,
          name: null,
          provisional: false,
        });
        await waitFor(
          async () => (await deadline()) === '2027-01-05T16:00:00.000Z',
          15_000,
          'the deadline to move back',
        );
        const changes = await sys.sql.query<{ payload: { dueAt: string; reason: string } }>(
          `SELECT payload FROM platform.event_log WHERE type = 'sla.deadline-changed' AND aggregate_id = $1 ORDER BY id`,
          [preExam.caseId],
        );
        expect(changes.rows.map((e) => e.payload.dueAt)).toEqual([
          '2027-01-05T16:00:00.000Z',
          '2027-01-06T16:00:00.000Z',
          '2027-01-05T16:00:00.000Z',
        ]);
        expect(changes.rows[1]!.payload.reason).toBe('closure on 2027-01-05 added: Heavy snow');

        const again = await sys.gql(REMOVE, { d: '2027-01-05' }, manager);
        expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      });

      it('removing a closure laid over a loaded holiday brings the holiday back', async () => {
        await sys.gql(ADD, { d: '2027-01-01', n: 'Systems upgrade' }, manager);
        const removed = await sys.gql<{ removeClosure: unknown }>(REMOVE, { d: '2027-01-01' }, manager);
        expect(removed.data!.removeClosure).toEqual({
          date: '2027-01-01',
          kind: 'HOLIDAY',
          working: false,
          name: "New Year's Day",
          provisional: false,
        });
        await consumed(
          sys,
          (await sys.sql.query<{ id: string }>('SELECT max(id)::text AS id FROM platform.event_log')).rows[0]!.id,
        );
        expect(await deadline()).toBe('2027-01-05T16:00:00.000Z');
      });
    });
  });
});
