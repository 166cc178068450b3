import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '@onestop/common';
import {
  appendEvent,
  startTestSystem,
  waitFor,
  type TestSystem,
  count,
  countEvents,
  errorCode,
  moveClockTo,
  nextWorkingMonday,
  ok,
  seedCase,
  shanghai,
  tokens,
  OTHER_EMPLOYER,
} from '../testkit/index.js';

const UPDATE = `mutation ($id: ID!, $input: ServiceCounterInput!) {
  updateServiceCounter(id: $id, input: $input) { id name windows capacityPerSlot slotMinutes openingHours { weekday opens closes } }
}`;
const UPDATE_NAMES = `mutation ($id: ID!, $input: ServiceCounterInput!) {
  updateServiceCounter(id: $id, input: $input) { id name nameZh districtZh }
}`;
const COUNTER_NAMES = `{ serviceCounters { id name nameZh district districtZh } }`;
const SET_EXCEPTION = `mutation ($counterId: ID!, $input: CounterHoursExceptionInput!) {
  setCounterHoursException(counterId: $counterId, input: $input) { id hoursExceptions { date closed opens closes reason } }
}`;
const SCHEDULE = `query ($counterId: ID!, $from: String!, $to: String!) {
  counterSchedule(counterId: $counterId, from: $from, to: $to) { date open hours { opens closes } reason }
}`;
const SLOTS = `query ($counterId: ID!, $from: String!, $to: String!) {
  availableSlots(counterId: $counterId, from: $from, to: $to) { start end capacity booked available }
}`;
const BOOK = `mutation ($caseId: ID!, $counterId: ID!, $slotStart: DateTimeISO!, $key: String!) {
  bookAppointment(caseId: $caseId, counterId: $counterId, slotStart: $slotStart, idempotencyKey: $key) {
    id caseId counterId letterNumber slotStart slotEnd status replacesAppointmentId
  }
}`;
const CANCEL = `mutation ($id: ID!, $reason: String!) { cancelAppointment(id: $id, reason: $reason) { id status reason cancelledAt } }`;
const RESCHEDULE = `mutation ($id: ID!, $slot: DateTimeISO!, $reason: String!) {
  rescheduleAppointment(id: $id, newSlotStart: $slot, reason: $reason) { id letterNumber slotStart status replacesAppointmentId reason }
}`;
const APPOINTMENT = `query ($id: ID!) { appointment(id: $id) { id status replacedByAppointmentId counter { id name } } }`;

interface Booked {
  bookAppointment: {
    id: string;
    caseId: string;
    letterNumber: string;
    slotStart: string;
    slotEnd: string;
    status: string;
    replacesAppointmentId: string | null;
  };
}

describe('counter-scheduling: counters, opening days, slots and appointments', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  let monday: string;
  let tuesday: string;

  beforeAll(async () => {
    sys = await startTestSystem();
    t = await tokens(sys);
    monday = await nextWorkingMonday(sys);
    tuesday = addCalendarDays(monday, 1);
    await moveClockTo(sys, shanghai(monday, '08:00'));
  });
  afterAll(async () => {
    await sys?.stop();
  });

  describe('counters', () => {
    it('rejects an unauthenticated or non-manager edit, and writes nothing', async () => {
      expect(errorCode(await sys.gql(UPDATE, { id: 'fengtai', input: { windows: 9 } }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(UPDATE, { id: 'fengtai', input: { windows: 9 } }, t.agency))).toBe('FORBIDDEN');
      expect(errorCode(await sys.gql(UPDATE, { id: 'fengtai', input: { windows: 9 } }, t.clerk))).toBe('FORBIDDEN');
      expect(await count(sys, 'service_counter', 'windows = 9')).toBe(0);
    });

    it('lets a manager change windows, hours and capacity', async () => {
      const hours = [
        { weekday: 1, opens: '09:00', closes: '12:00' },
        { weekday: 1, opens: '13:00', closes: '17:30' },
        { weekday: 2, opens: '09:00', closes: '17:00' },
      ];
      const data = ok(
        await sys.gql<{ updateServiceCounter: { windows: number; openingHours: unknown[] } }>(
          UPDATE,
          { id: 'huairou', input: { windows: 3, openingHours: hours } },
          t.manager,
        ),
      );
      expect(data.updateServiceCounter.windows).toBe(3);
      expect(data.updateServiceCounter.openingHours).toEqual(hours);
      expect(await countEvents(sys, 'counter.changed', 'huairou')).toBe(1);
    });

    it('lists every problem of a bad edit and writes nothing', async () => {
      const before = await sys.sql.query('SELECT * FROM cs.service_counter WHERE id = $1', ['fengtai']);
      const res = await sys.gql(
        UPDATE,
        {
          id: 'fengtai',
          input: {
            windows: 0,
            slotMinutes: 2,
            openingHours: [
              { weekday: 1, opens: '17:00', closes: '09:00' },
              { weekday: 2, opens: '9:00', closes: '17:00' },
            ],
          },
        },
        t.manager,
      );
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      const problems = res.errors![0]!.extensions!.problems as string[];
      expect(problems).toEqual([
        'windows must be a whole number from 1 to 50, got 0',
        'slotMinutes must be a whole number from 5 to 240, got 2',
        'openingHours[0]: opens (17:00) must be before closes (09:00)',
        'openingHours[1].opens must be HH:MM (00:00–23:59), got "9:00"',
      ]);
      const after = await sys.sql.query('SELECT * FROM cs.service_counter WHERE id = $1', ['fengtai']);
      expect(after.rows).toEqual(before.rows);
      expect(errorCode(await sys.gql(UPDATE, { id: 'nowhere', input: { windows: 2 } }, t.manager))).toBe('NOT_FOUND');
    });

    it('names every counter and its district in Chinese (the official district names)', async () => {
      type Counters = {
        serviceCounters: { id: string; name: string; nameZh: string; district: string; districtZh: string }[];
      };
      const list = ok(await sys.gql<Counters>(COUNTER_NAMES, {}, t.agency)).serviceCounters;
      expect(list).toHaveLength(15);
      const byId = new Map(list.map((c) => [c.id, c]));
      expect(byId.get('chaoyang-wangjing')).toMatchObject({
        name: 'Chaoyang Wangjing Service Station',
        nameZh: '朝阳望京服务站',
        district: 'Chaoyang',
        districtZh: '朝阳区',
      });
      expect(byId.get('haidian-zgc')).toMatchObject({ nameZh: '中关村国际人才中心', districtZh: '海淀区' });
      expect(byId.get('dongcheng')).toMatchObject({ nameZh: '东城区政务服务中心', districtZh: '东城区' });
      for (const c of list) {
        expect(c.nameZh, c.id).toMatch(/\p{Script=Han}/u);
        expect(c.districtZh, c.id).toMatch(/^\p{Script=Han}+区$/u);
      }
      expect(await count(sys, 'service_counter', 'name_zh IS NULL OR district_zh IS NULL')).toBe(0);
    });

    it('lets only a manager change the Chinese name and district, validated, writing nothing on bad input', async () => {
      const input = { nameZh: '石景山区政务服务中心（鲁谷）', districtZh: '石景山区' };
      expect(errorCode(await sys.gql(UPDATE_NAMES, { id: 'shijingshan', input }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(UPDATE_NAMES, { id: 'shijingshan', input }, t.clerk))).toBe('FORBIDDEN');
      expect(await count(sys, 'service_counter', `name_zh LIKE '%鲁谷%'`)).toBe(0);

      const before = await sys.sql.query('SELECT * FROM cs.service_counter WHERE id = $1', ['shijingshan']);
      const bad = await sys.gql(
        UPDATE_NAMES,
        { id: 'shijingshan', input: { nameZh: 'Shijingshan Hall', districtZh: '石景山', windows: 0 } },
        t.manager,
      );
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      const problems = bad.errors![0]!.extensions!.problems as string[];
      expect(problems).toHaveLength(3);
      expect(problems[0]).toBe('nameZh must contain Chinese characters, got "Shijingshan Hall"');
      expect(problems[1]).toMatch(
        /^districtZh must be the official name of one of Beijing's 16 districts \(东城区, .*\), got "石景山"$/,
      );
      expect(problems[2]).toBe('windows must be a whole number from 1 to 50, got 0');
      const empty = await sys.gql(
        UPDATE_NAMES,
        { id: 'shijingshan', input: { nameZh: ' ', districtZh: '' } },
        t.manager,
      );
      expect(empty.errors![0]!.extensions!.problems).toEqual([
        'nameZh must not be empty',
        'districtZh must not be empty',
      ]);
      expect((await sys.sql.query('SELECT * FROM cs.service_counter WHERE id = $1', ['shijingshan'])).rows).toEqual(
        before.rows,
      );
      expect(await countEvents(sys, 'counter.changed', 'shijingshan')).toBe(0);

      type Updated = { updateServiceCounter: { id: string; name: string; nameZh: string; districtZh: string } };
      const data = ok(
        await sys.gql<Updated>(
          UPDATE_NAMES,
          { id: 'shijingshan', input: { ...input, nameZh: ` ${input.nameZh} ` } },
          t.manager,
        ),
      );
      expect(data.updateServiceCounter).toEqual({
        id: 'shijingshan',
        name: 'Shijingshan Government Service Center',
        nameZh: '石景山区政务服务中心（鲁谷）',
        districtZh: '石景山区',
      });
      const row = await sys.sql.query<{ name_zh: string; district_zh: string }>(
        'SELECT name_zh, district_zh FROM cs.service_counter WHERE id = $1',
        ['shijingshan'],
      );
      expect(row.rows[0]).toEqual({ name_zh: '石景山区政务服务中心（鲁谷）', district_zh: '石景山区' });
      const changed = await sys.sql.query<{ payload: { changed: string[] } }>(
        `SELECT payload FROM platform.event_log WHERE type = 'counter.changed' AND aggregate_id = $1`,
        ['shijingshan'],
      );
      expect(changed.rows.map((r) => r.payload.changed)).toEqual([['nameZh', 'districtZh']]);
    });

    it('follows holidays, adjusted working Saturdays and Saturday hours (2026 Spring Festival and National Day)', async () => {
      type Days = {
        counterSchedule: { date: string; open: boolean; hours: { opens: string; closes: string }[]; reason: string }[];
      };
      const saturdayCounter = ok(
        await sys.gql<Days>(SCHEDULE, { counterId: 'chaoyang-cbd', from: '2026-02-13', to: '2026-02-24' }, t.agency),
      ).counterSchedule;
      const byDate = new Map(saturdayCounter.map((d) => [d.date, d]));
      expect(byDate.get('2026-02-13')).toMatchObject({ open: true, hours: [{ opens: '09:00', closes: '17:00' }] });
      expect(byDate.get('2026-02-14')).toMatchObject({
        open: true,
        hours: [{ opens: '09:00', closes: '12:00' }],
        reason: 'opening hours (adjusted working day)',
      });
      for (const d of ['2026-02-15', '2026-02-16', '2026-02-21', '2026-02-23']) {
        expect(byDate.get(d), d).toMatchObject({ open: false, reason: 'public holiday: Spring Festival' });
      }
      expect(byDate.get('2026-02-24')).toMatchObject({ open: true });

      const weekdayCounter = ok(
        await sys.gql<Days>(SCHEDULE, { counterId: 'xicheng', from: '2026-10-01', to: '2026-10-10' }, t.agency),
      ).counterSchedule;
      expect(weekdayCounter.filter((d) => d.open).map((d) => d.date)).toEqual(['2026-10-08', '2026-10-09']);
      expect(weekdayCounter.find((d) => d.date === '2026-10-10')).toMatchObject({
        open: false,
        reason: 'adjusted working day, but the counter has no hours on this weekday',
      });
      expect(weekdayCounter.find((d) => d.date === '2026-10-01')).toMatchObject({
        open: false,
        reason: 'public holiday: National Day',
      });
      const cbdNationalDay = ok(
        await sys.gql<Days>(SCHEDULE, { counterId: 'chaoyang-cbd', from: '2026-10-10', to: '2026-10-10' }, t.agency),
      ).counterSchedule;
      expect(cbdNationalDay[0]).toMatchObject({ open: true, hours: [{ opens: '09:00', closes: '12:00' }] });

      expect(
        errorCode(await sys.gql(SCHEDULE, { counterId: 'xicheng', from: '2026-10-10', to: '2026-10-01' }, t.agency)),
      ).toBe('BAD_USER_INPUT');
    });
  });

  describe('available slots', () => {
    it('offers the slots of the opening hours that have not started, with their capacity', async () => {
      const slots = ok(
        await sys.gql<{ availableSlots: { start: string; capacity: number; available: number }[] }>(
          SLOTS,
          { counterId: 'chaoyang-cbd', from: monday, to: monday },
          t.agency,
        ),
      ).availableSlots;
      expect(slots).toHaveLength(16);
      expect(new Date(slots[0]!.start)).toEqual(shanghai(monday, '09:00'));
      expect(new Date(slots[15]!.start)).toEqual(shanghai(monday, '16:30'));
      expect(slots.every((s) => s.capacity === 12 && s.available === 12)).toBe(true);
      // huairou now opens 09:00–12:00 and 13:00–17:30 on Mondays: the lunch break has no slots.
      const huairou = ok(
        await sys.gql<{ availableSlots: { start: string }[] }>(
          SLOTS,
          { counterId: 'huairou', from: monday, to: monday },
          t.agency,
        ),
      ).availableSlots;
      expect(huairou).toHaveLength(15);
      expect(huairou.map((s) => new Date(s.start).getTime())).not.toContain(shanghai(monday, '12:30').getTime());
    });

    it('follows exceptions: a closure and a Saturday opening', async () => {
      const saturday = addCalendarDays(monday, 5);
      ok(
        await sys.gql(
          SET_EXCEPTION,
          { counterId: 'xicheng', input: { date: tuesday, closed: true, reason: 'staff training' } },
          t.manager,
        ),
      );
      const opened = ok(
        await sys.gql<{ setCounterHoursException: { hoursExceptions: { date: string }[] } }>(
          SET_EXCEPTION,
          {
            counterId: 'xicheng',
            input: { date: saturday, closed: false, opens: '09:00', closes: '11:00', reason: 'Saturday opening' },
          },
          t.manager,
        ),
      );
      expect(opened.setCounterHoursException.hoursExceptions.map((e) => e.date)).toEqual([tuesday, saturday]);
      const slots = ok(
        await sys.gql<{ availableSlots: { start: string }[] }>(
          SLOTS,
          { counterId: 'xicheng', from: tuesday, to: saturday },
          t.agency,
        ),
      ).availableSlots;
      const days = new Set(
        slots.map((s) => new Date(new Date(s.start).getTime() + 8 * 3_600_000).toISOString().slice(0, 10)),
      );
      expect(days.has(tuesday)).toBe(false);
      expect(days.has(addCalendarDays(monday, 2))).toBe(true);
      expect(
        slots.filter((s) => new Date(new Date(s.start).getTime() + 8 * 3_600_000).toISOString().startsWith(saturday)),
      ).toHaveLength(4);

      const bad = await sys.gql(
        SET_EXCEPTION,
        {
          counterId: 'xicheng',
          input: { date: '2026-02-30', closed: false, opens: '12:00', closes: '09:00', reason: '' },
        },
        t.manager,
      );
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors![0]!.extensions!.problems).toHaveLength(3);
      expect(
        errorCode(
          await sys.gql(
            SET_EXCEPTION,
            { counterId: 'xicheng', input: { date: tuesday, closed: true, reason: 'x' } },
            t.agency,
          ),
        ),
      ).toBe('FORBIDDEN');
      const removed = await sys.gql(
        `mutation ($d: String!) { removeCounterHoursException(counterId: "xicheng", date: $d) { id } }`,
        { d: tuesday },
        t.manager,
      );
      ok(removed);
      expect(
        ok(
          await sys.gql<{ availableSlots: unknown[] }>(
            SLOTS,
            { counterId: 'xicheng', from: tuesday, to: tuesday },
            t.agency,
          ),
        ).availableSlots,
      ).toHaveLength(16);
    });

    it('closes every counter on a closure loaded into the official calendar', async () => {
      const wednesday = addCalendarDays(monday, 2);
      await sys.sql.query(
        `INSERT INTO platform.calendar_entry (date, kind, name, created_by, created_at) VALUES ($1, 'CLOSURE', 'snowstorm', 'test', now())`,
        [wednesday],
      );
      await appendEvent(sys.sql, {
        type: 'calendar.changed',
        source: 'counter-scheduling',
        aggregateId: 'calendar',
        payload: { years: [Number(wednesday.slice(0, 4))], reason: 'test closure' },
      });
      await waitFor(
        async () => {
          const r = await sys.gql<{ availableSlots: unknown[] }>(
            SLOTS,
            { counterId: 'dongcheng', from: wednesday, to: wednesday },
            t.agency,
          );
          return r.data?.availableSlots.length === 0;
        },
        10_000,
        'the closure to reach the calendar',
      );
      const day = ok(
        await sys.gql<{ counterSchedule: { reason: string }[] }>(
          SCHEDULE,
          { counterId: 'dongcheng', from: wednesday, to: wednesday },
          t.agency,
        ),
      );
      expect(day.counterSchedule[0]!.reason).toBe('closure: snowstorm');
    });

    it('rejects an unauthenticated request and a bad range', async () => {
      expect(errorCode(await sys.gql(SLOTS, { counterId: 'dongcheng', from: monday, to: monday }))).toBe(
        'UNAUTHENTICATED',
      );
      const bad = await sys.gql(SLOTS, { counterId: 'dongcheng', from: 'monday', to: '2027-13-01' }, t.agency);
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors![0]!.extensions!.problems).toHaveLength(2);
      expect(errorCode(await sys.gql(SLOTS, { counterId: 'nowhere', from: monday, to: monday }, t.agency))).toBe(
        'NOT_FOUND',
      );
    });
  });

  describe('appointments', () => {
    const slot = (hhmm: string, date?: string): string => shanghai(date ?? tuesday, hhmm).toISOString();

    it('rejects unauthenticated and non-agency bookings, and treats another employer’s case as not found, writing nothing', async () => {
      const caseId = await seedCase(sys, { category: 'B' });
      const vars = { caseId, counterId: 'dongcheng', slotStart: slot('10:00'), key: `k-${caseId}` };
      expect(errorCode(await sys.gql(BOOK, vars))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(BOOK, vars, t.clerk))).toBe('FORBIDDEN');
      expect(errorCode(await sys.gql(BOOK, vars, t.otherAgency))).toBe('NOT_FOUND');
      expect(await count(sys, 'appointment', 'case_id = $1', [caseId])).toBe(0);
    });

    it('refuses a case that has not passed pre-examination, and Category A (walk-in)', async () => {
      const pending = await seedCase(sys, { category: 'C', preExamPassed: false });
      const res = await sys.gql(
        BOOK,
        { caseId: pending, counterId: 'dongcheng', slotStart: slot('10:00'), key: `k-${pending}` },
        t.agency,
      );
      expect(errorCode(res)).toBe('INVALID_TRANSITION');
      expect(res.errors![0]!.message).toMatch(/not passed pre-examination/);
      const a = await seedCase(sys, { category: 'A' });
      const walkIn = await sys.gql(
        BOOK,
        { caseId: a, counterId: 'dongcheng', slotStart: slot('10:00'), key: `k-${a}` },
        t.agency,
      );
      expect(errorCode(walkIn)).toBe('INVALID_TRANSITION');
      expect(walkIn.errors![0]!.message).toMatch(/Category A.*walk in/);
      expect(await count(sys, 'appointment', 'case_id = ANY($1)', [[pending, a]])).toBe(0);
      expect(
        errorCode(
          await sys.gql(
            BOOK,
            {
              caseId: '7a1f5b0e-0000-4000-8000-000000000000',
              counterId: 'dongcheng',
              slotStart: slot('10:00'),
              key: 'k-x',
            },
            t.agency,
          ),
        ),
      ).toBe('NOT_FOUND');
    });

    it('rejects a slot that does not exist, a closed day, a past slot and an empty key, and writes nothing', async () => {
      const caseId = await seedCase(sys);
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ counterId: 'dongcheng', slotStart: slot('10:10') }, /not the start of a 30-minute slot/],
        [{ counterId: 'dongcheng', slotStart: slot('10:00', addCalendarDays(monday, 6)) }, /is closed on/],
        [{ counterId: 'dongcheng', slotStart: slot('07:00', monday) }, /not the start/],
        [{ counterId: 'nowhere', slotStart: slot('10:00') }, /there is no counter nowhere/],
        [{ counterId: 'dongcheng', slotStart: slot('10:00'), key: '' }, /idempotencyKey must not be empty/],
      ];
      for (const [vars, message] of cases) {
        const res = await sys.gql(BOOK, { caseId, key: `k-${caseId}-${Math.random()}`, ...vars }, t.agency);
        expect(errorCode(res), JSON.stringify(vars)).toBe('BAD_USER_INPUT');
        expect((res.errors![0]!.extensions!.problems as string[]).join(' ')).toMatch(message);
      }
      await moveClockTo(sys, shanghai(monday, '09:05'));
      const started = await sys.gql(
        BOOK,
        { caseId, counterId: 'dongcheng', slotStart: slot('09:00', monday), key: `k-${caseId}-p` },
        t.agency,
      );
      expect(errorCode(started)).toBe('BAD_USER_INPUT');
      expect(started.errors![0]!.message).toMatch(/already started/);
      expect(await count(sys, 'appointment', 'case_id = $1', [caseId])).toBe(0);
    });

    it('books with a gap-free letter number, idempotently, one active appointment per case', async () => {
      const caseId = await seedCase(sys);
      const vars = { caseId, counterId: 'dongcheng', slotStart: slot('10:00'), key: `k-${caseId}` };
      const first = ok(await sys.gql<Booked>(BOOK, vars, t.agency)).bookAppointment;
      expect(first).toMatchObject({ caseId, counterId: 'dongcheng', status: 'BOOKED', slotEnd: slot('10:30') });
      expect(first.letterNumber).toMatch(/^AL-\d{4}-\d{6}$/);
      const replay = ok(await sys.gql<Booked>(BOOK, vars, t.agency)).bookAppointment;
      expect(replay.id).toBe(first.id);
      const reused = await sys.gql(BOOK, { ...vars, slotStart: slot('11:00') }, t.agency);
      expect(errorCode(reused)).toBe('CONFLICT');
      expect(reused.errors![0]!.message).toMatch(/idempotency key/);
      const second = await sys.gql(BOOK, { ...vars, slotStart: slot('11:00'), key: `k2-${caseId}` }, t.agency);
      expect(errorCode(second)).toBe('CONFLICT');
      expect(second.errors![0]!.message).toMatch(/already has appointment/);
      expect(await count(sys, 'appointment', 'case_id = $1', [caseId])).toBe(1);
      expect(await countEvents(sys, 'appointment.booked', caseId)).toBe(1);
      const seen = ok(
        await sys.gql<{ appointment: { counter: { id: string } } }>(APPOINTMENT, { id: first.id }, t.agency),
      );
      expect(seen.appointment.counter.id).toBe('dongcheng');
      expect(
        ok(await sys.gql<{ appointment: unknown }>(APPOINTMENT, { id: first.id }, t.otherAgency)).appointment,
      ).toBeNull();
    });

    it('never books the last place twice: 20 concurrent bookings for 1 place', async () => {
      ok(await sys.gql(UPDATE, { id: 'fengtai', input: { capacityPerSlot: 1 } }, t.manager));
      const cases = await Promise.all(Array.from({ length: 20 }, () => seedCase(sys)));
      const results = await Promise.all(
        cases.map((caseId) =>
          sys.gql<Booked>(
            BOOK,
            { caseId, counterId: 'fengtai', slotStart: slot('14:00'), key: `race1-${caseId}` },
            t.agency,
          ),
        ),
      );
      const won = results.filter((r) => !r.errors);
      const lost = results.filter((r) => r.errors);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const r of lost) {
        expect(r.errors![0]!.extensions!.code).toBe('CONFLICT');
        expect(r.errors![0]!.message).toMatch(/slot full/);
      }
      expect(await count(sys, 'appointment', `counter_id = 'fengtai' AND slot_start = $1`, [slot('14:00')])).toBe(1);
    });

    it('takes exactly N places when 20 race for N = 3', async () => {
      ok(await sys.gql(UPDATE, { id: 'shijingshan', input: { capacityPerSlot: 3 } }, t.manager));
      const cases = await Promise.all(Array.from({ length: 20 }, () => seedCase(sys)));
      const results = await Promise.all(
        cases.map((caseId) =>
          sys.gql<Booked>(
            BOOK,
            { caseId, counterId: 'shijingshan', slotStart: slot('15:00'), key: `race3-${caseId}` },
            t.agency,
          ),
        ),
      );
      expect(results.filter((r) => !r.errors)).toHaveLength(3);
      expect(
        results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT' && /slot full/.test(r.errors[0]!.message)),
      ).toHaveLength(17);
      expect(await count(sys, 'appointment', `counter_id = 'shijingshan' AND slot_start = $1`, [slot('15:00')])).toBe(
        3,
      );
      const free = ok(
        await sys.gql<{ availableSlots: { start: string }[] }>(
          SLOTS,
          { counterId: 'shijingshan', from: tuesday, to: tuesday },
          t.agency,
        ),
      ).availableSlots;
      expect(free.map((s) => s.start)).not.toContain(slot('15:00'));
    });

    it('cancels with a reason, freeing the place; refuses others and a second cancel', async () => {
      const caseId = await seedCase(sys);
      const booked = ok(
        await sys.gql<Booked>(
          BOOK,
          { caseId, counterId: 'fengtai', slotStart: slot('16:00'), key: `c-${caseId}` },
          t.agency,
        ),
      ).bookAppointment;
      expect(errorCode(await sys.gql(CANCEL, { id: booked.id, reason: 'ill' }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await sys.gql(CANCEL, { id: booked.id, reason: 'ill' }, t.otherAgency))).toBe('NOT_FOUND');
      const blank = await sys.gql(CANCEL, { id: booked.id, reason: '  ' }, t.agency);
      expect(errorCode(blank)).toBe('BAD_USER_INPUT');
      expect(await count(sys, 'appointment', `id = $1 AND status = 'BOOKED'`, [booked.id])).toBe(1);
      const cancelled = ok(
        await sys.gql<{ cancelAppointment: { status: string; reason: string } }>(
          CANCEL,
          { id: booked.id, reason: 'applicant travelling' },
          t.agency,
        ),
      );
      expect(cancelled.cancelAppointment).toMatchObject({ status: 'CANCELLED', reason: 'applicant travelling' });
      expect(errorCode(await sys.gql(CANCEL, { id: booked.id, reason: 'again' }, t.agency))).toBe('INVALID_TRANSITION');
      expect(await countEvents(sys, 'appointment.cancelled', caseId)).toBe(1);
      // The place is free again: capacity 1 at fengtai, so another case can take it.
      const other = await seedCase(sys);
      ok(
        await sys.gql(
          BOOK,
          { caseId: other, counterId: 'fengtai', slotStart: slot('16:00'), key: `c2-${other}` },
          t.agency,
        ),
      );
    });

    it('reschedules to a new appointment linked to the original, never into a full slot', async () => {
      const caseId = await seedCase(sys);
      const original = ok(
        await sys.gql<Booked>(
          BOOK,
          { caseId, counterId: 'fengtai', slotStart: slot('09:00'), key: `r-${caseId}` },
          t.agency,
        ),
      ).bookAppointment;
      const full = await sys.gql(RESCHEDULE, { id: original.id, slot: slot('14:00'), reason: 'later' }, t.agency);
      expect(errorCode(full)).toBe('CONFLICT');
      expect(full.errors![0]!.message).toMatch(/slot full/);
      const bad = await sys.gql(RESCHEDULE, { id: original.id, slot: slot('09:10'), reason: '' }, t.agency);
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(
        errorCode(await sys.gql(RESCHEDULE, { id: original.id, slot: slot('10:00'), reason: 'x' }, t.otherAgency)),
      ).toBe('NOT_FOUND');
      expect(await count(sys, 'appointment', 'case_id = $1', [caseId])).toBe(1);

      type Rescheduled = {
        rescheduleAppointment: {
          id: string;
          letterNumber: string;
          slotStart: string;
          status: string;
          replacesAppointmentId: string;
          reason: string;
        };
      };
      const moved = ok(
        await sys.gql<Rescheduled>(
          RESCHEDULE,
          { id: original.id, slot: slot('10:00'), reason: 'flight delayed' },
          t.agency,
        ),
      ).rescheduleAppointment;
      expect(moved).toMatchObject({
        status: 'BOOKED',
        slotStart: slot('10:00'),
        replacesAppointmentId: original.id,
        reason: 'flight delayed',
      });
      expect(moved.id).not.toBe(original.id);
      expect(moved.letterNumber).not.toBe(original.letterNumber);
      const old = ok(
        await sys.gql<{ appointment: { status: string; replacedByAppointmentId: string } }>(
          APPOINTMENT,
          { id: original.id },
          t.agency,
        ),
      );
      expect(old.appointment).toMatchObject({ status: 'RESCHEDULED', replacedByAppointmentId: moved.id });
      expect(await countEvents(sys, 'appointment.rescheduled', caseId)).toBe(1);
      const ev = await sys.sql.query(
        `SELECT payload FROM platform.event_log WHERE type = 'appointment.rescheduled' AND aggregate_id = $1`,
        [caseId],
      );
      expect(ev.rows[0].payload).toMatchObject({
        appointmentId: moved.id,
        replacesAppointmentId: original.id,
        reason: 'flight delayed',
      });
    });

    it('cancels the appointment of a withdrawn case', async () => {
      const caseId = await seedCase(sys, { employerId: OTHER_EMPLOYER });
      const booked = ok(
        await sys.gql<Booked>(
          BOOK,
          { caseId, counterId: 'dongcheng', slotStart: slot('16:30'), key: `w-${caseId}` },
          t.otherAgency,
        ),
      ).bookAppointment;
      await appendEvent(sys.sql, {
        type: 'case.withdrawn',
        source: 'work-permit',
        aggregateId: caseId,
        employerId: OTHER_EMPLOYER,
        payload: {
          caseId,
          reference: 'x',
          from: 'APPOINTMENT_BOOKED',
          reason: null,
          withdrawnAt: new Date().toISOString(),
        },
      });
      await waitFor(
        async () => (await count(sys, 'appointment', `id = $1 AND status = 'CANCELLED'`, [booked.id])) === 1,
        10_000,
        'the withdrawal to cancel the appointment',
      );
      expect(await countEvents(sys, 'appointment.cancelled', caseId)).toBe(1);
    });

    it('numbers appointment letters without gaps, whatever failed in between', async () => {
      const r = await sys.sql.query<{ letter_number: string }>(
        `SELECT letter_number FROM cs.appointment ORDER BY letter_number`,
      );
      const numbers = r.rows.map((row) => Number(row.letter_number.slice(-6)));
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
      expect(new Set(r.rows.map((row) => row.letter_number.slice(3, 7))).size).toBe(1);
    });
  });
});
