/**
 * Bad input through the whole system: text that cannot be text (a NUL or other control
 * character, a lone surrogate, an id longer than any id) in any String/ID argument of any
 * subgraph is BAD_USER_INPUT naming the argument, from the shared input layer, with nothing
 * written and no stack logged; dates outside the booking horizon and a contract end no
 * permit could reach are BAD_USER_INPUT too.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, MAX_ID_LENGTH, shanghaiDate } from '@onestop/common';
import { DEMO_AGENCIES } from '@onestop/common/testing';
import {
  startTestSystem,
  type GqlResponse,
  type TestSystem,
  collect,
  directToSubgraph,
  nextWorkingMonday,
  seedCase,
  shanghai,
  agencyToken,
  filing,
  today,
} from '../testkit/index.js';

const EMPLOYER = DEMO_AGENCIES[0].employerIds[0];
const RECEIPT = 'query ($n: String!) { receiptOfAcceptance(number: $n) { valid issuedOn } }';
const FILE_CASE = 'mutation ($i: FileCaseInput!) { fileCase(input: $i) { id contractEndsOn } }';
const BY_REFERENCE = 'query ($r: String!) { caseByReference(reference: $r) { id } }';
const COUNTER = 'query ($id: ID!) { serviceCounter(id: $id) { id } }';
const BOOK = `mutation ($caseId: ID!, $counterId: ID!, $slotStart: DateTimeISO!, $key: String!) {
  bookAppointment(caseId: $caseId, counterId: $counterId, slotStart: $slotStart, idempotencyKey: $key) { id slotStart }
}`;
const SLOTS = `query ($c: ID!, $from: String!, $to: String!) { availableSlots(counterId: $c, from: $from, to: $to) { start } }`;

let sys: TestSystem;
let agency: string;
let manager: string;
let day: string;

beforeAll(async () => {
  sys = await startTestSystem();
  agency = await agencyToken(sys, 0);
  manager = await sys.token('MANAGER');
  day = await today(sys);
});
afterAll(async () => {
  await sys?.stop();
});

/** Rows that any of the operations below could write (not the events other subgraphs append in reaction to a seeded case). */
async function footprint(): Promise<number[]> {
  const r = await sys.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM platform.event_log WHERE type LIKE 'appointment.%' OR type = 'case.submitted'
     UNION ALL SELECT count(*)::int FROM wp."case"
     UNION ALL SELECT count(*)::int FROM wp.case_timeline
     UNION ALL SELECT count(*)::int FROM cs.appointment`,
  );
  return r.rows.map((x) => x.n);
}

function refusal(res: GqlResponse): { code?: string; problems: string[] } {
  expect(res.errors, JSON.stringify(res.data)).toHaveLength(1);
  const e = res.errors![0]!;
  return { code: e.extensions?.code, problems: (e.extensions?.problems as string[] | undefined) ?? [] };
}

describe('text that cannot be text', () => {
  it('is BAD_USER_INPUT naming the argument, in every subgraph, with nothing written and no stack logged', async () => {
    const caseId = await seedCase(sys);
    const monday = await nextWorkingMonday(sys);
    const slot = shanghai(monday, '09:00').toISOString();
    const NUL = 'OS-2026\u0000-000001';
    const applicant = filing(EMPLOYER, day).applicant as Record<string, unknown>;
    const logsBefore = sys.logs.length;
    const before = await footprint();
    const attempts: [string, GqlResponse, RegExp][] = [
      ['caseByReference', await sys.gql(BY_REFERENCE, { r: NUL }, manager), /^reference must not contain .*U\+0000/],
      ['serviceCounter', await sys.gql(COUNTER, { id: 'chaoyang\u0000' }, manager), /^id must not contain .*U\+0000/],
      [
        'fileCase name',
        await sys.gql(
          FILE_CASE,
          { i: filing(EMPLOYER, day, { applicant: { ...applicant, fullName: 'Ada\u0000' } }) },
          agency,
        ),
        /^input\.applicant\.fullName must not contain .*U\+0000/,
      ],
      [
        'fileCase attachment',
        await sys.gql(FILE_CASE, { i: filing(EMPLOYER, day, { attachments: ['ok', 'bad\u0007'] }) }, agency),
        /^input\.attachments\[1\] must not contain .*U\+0007/,
      ],
      [
        'fileCase lone surrogate',
        await sys.gql(
          FILE_CASE,
          { i: filing(EMPLOYER, day, { applicant: { ...applicant, fullName: 'Ada \ud800' } }) },
          agency,
        ),
        /^input\.applicant\.fullName is not well-formed Unicode/,
      ],
      [
        'bookAppointment key',
        await sys.gql(BOOK, { caseId, counterId: 'chaoyang-cbd', slotStart: slot, key: 'k\u0000' }, agency),
        /^idempotencyKey must not contain/,
      ],
      [
        'bookAppointment caseId',
        await sys.gql(
          BOOK,
          { caseId: `${caseId}\u0000`, counterId: 'chaoyang-cbd', slotStart: slot, key: 'k1' },
          agency,
        ),
        /^caseId must not contain/,
      ],
      [
        'bookAppointment counterId',
        await sys.gql(BOOK, { caseId, counterId: '\u0000', slotStart: slot, key: 'k2' }, agency),
        /^counterId must not contain/,
      ],
      [
        'an id longer than any id',
        await sys.gql(COUNTER, { id: 'x'.repeat(MAX_ID_LENGTH + 1) }, manager),
        new RegExp(`^id must be at most ${MAX_ID_LENGTH} characters`),
      ],
    ];
    for (const [what, res, problem] of attempts) {
      const { code, problems } = refusal(res);
      expect(code, what).toBe('BAD_USER_INPUT');
      expect(problems, what).toHaveLength(1);
      expect(problems[0], what).toMatch(problem);
    }
    expect(await footprint()).toEqual(before);
    // Bad input is the client's mistake: no "unexpected error" with a stack, in any process.
    expect(sys.logs.slice(logsBefore).join('\n')).not.toMatch(/unexpected error|invalid byte sequence/);
  });

  it('leaves the public receipt look-up its own promise: any malformed number is { valid: false }, never an error', async () => {
    const logsBefore = sys.logs.length;
    for (const n of ['RA\u0000123', 'RA-\ud800', '\u0007', 'x'.repeat(20_000)]) {
      const res = await sys.gql<{ receiptOfAcceptance: { valid: boolean; issuedOn: string | null } }>(
        RECEIPT,
        { n },
        null,
      );
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      expect(res.data?.receiptOfAcceptance).toEqual({ valid: false, issuedOn: null });
    }
    expect(sys.logs.slice(logsBefore).join('\n')).not.toMatch(/unexpected error|invalid byte sequence/);
  });

  it('is checked by the subgraph itself, not only behind the gateway', async () => {
    const res = await directToSubgraph<Record<string, unknown>>(
      sys,
      'counter-scheduling',
      COUNTER,
      { id: 'a\u0000b' },
      manager,
    );
    expect(refusal(res)).toEqual({ code: 'BAD_USER_INPUT', problems: [expect.stringMatching(/^id must not contain/)] });
  });

  it('refuses a subscription with such an argument before it subscribes', async () => {
    const client = createClient({
      url: sys.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { authorization: `Bearer ${manager}` },
    });
    try {
      const sub = collect(client, {
        query: 'subscription ($c: ID) { counterLoadChanged(counterId: $c) { counterId eventId } }',
        variables: { c: 'chaoyang\u0000' },
      });
      await sub.waitFor(1, 15_000);
      expect(sub.results[0]!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(sub.results[0]!.errors)).toMatch(/counterId must not contain/);
    } finally {
      await client.dispose();
    }
  });

  it('still accepts tabs, line breaks and every script', async () => {
    const res = await sys.gql(
      FILE_CASE,
      { i: filing(EMPLOYER, day, { attachments: ['学位证书\tcopy', 'Контракт\r\npage 2', 'عقد 😀'] }) },
      agency,
    );
    expect(res.errors).toBeUndefined();
  });
});

describe('dates out of range', () => {
  it('offers and books no slot beyond the booking horizon, and answers a year-0 slot with BAD_USER_INPUT', async () => {
    const caseId = await seedCase(sys);
    const before = await footprint();
    const far = await sys.gql(SLOTS, { c: 'chaoyang-cbd', from: '3000-03-03', to: '3000-03-04' }, agency);
    expect(refusal(far).code).toBe('BAD_USER_INPUT');
    expect(refusal(far).problems.join()).toMatch(/booking horizon/);
    for (const slotStart of ['3000-03-03T01:00:00.000Z', '0000-03-06T01:00:00.000Z']) {
      const res = await sys.gql(
        BOOK,
        { caseId, counterId: 'chaoyang-cbd', slotStart, key: `far-${slotStart}` },
        agency,
      );
      expect(refusal(res).code, slotStart).toBe('BAD_USER_INPUT');
      expect(refusal(res).problems.join(), slotStart).toMatch(/slotStart/);
    }
    // The horizon is 60 days (BOOKING_HORIZON_DAYS): a range across it stops there, the day after is refused.
    const last = addCalendarDays(day, 60);
    const across = await sys.gql<{ availableSlots: { start: string }[] }>(
      SLOTS,
      { c: 'chaoyang-cbd', from: addCalendarDays(day, 50), to: addCalendarDays(day, 70) },
      agency,
    );
    expect(across.errors).toBeUndefined();
    const dates = across.data!.availableSlots.map((x) => shanghaiDate(new Date(x.start)));
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.every((d) => d <= last)).toBe(true);
    const after = await sys.gql(
      BOOK,
      {
        caseId,
        counterId: 'chaoyang-cbd',
        slotStart: shanghai(addCalendarDays(day, 61), '10:00').toISOString(),
        key: 'after',
      },
      agency,
    );
    expect(refusal(after).problems.join()).toMatch(new RegExp(`booking horizon: slots can be booked up to ${last}`));
    expect(await footprint()).toEqual(before);
  });

  it('answers a schedule at the end of year 9999 and refuses an opening exception there', async () => {
    const schedule = await sys.gql<{ counterSchedule: { date: string }[] }>(
      'query { counterSchedule(counterId: "dongcheng", from: "9999-12-25", to: "9999-12-31") { date } }',
      {},
      manager,
    );
    expect(schedule.errors).toBeUndefined();
    expect(schedule.data!.counterSchedule.map((d) => d.date).at(-1)).toBe('9999-12-31');
    const exception = await sys.gql(
      'mutation { setCounterHoursException(counterId: "dongcheng", input: { date: "9999-12-31", closed: true, reason: "x" }) { id } }',
      {},
      manager,
    );
    expect(refusal(exception).code).toBe('BAD_USER_INPUT');
    expect(refusal(exception).problems.join()).toMatch(/^date: 9999-12-31 is more than \d+ days ahead/);
    const rows = await sys.sql.query(`SELECT 1 FROM cs.counter_hours_exception WHERE date = '9999-12-31'`);
    expect(rows.rowCount).toBe(0);
  });

  it('refuses a contract ending after the longest permit could, naming the field', async () => {
    const before = await footprint();
    for (const contractEndsOn of ['9999-12-31', addCalendarDays(day, 20 * 366)]) {
      const res = await sys.gql(FILE_CASE, { i: filing(EMPLOYER, day, { contractEndsOn }) }, agency);
      expect(refusal(res).code, contractEndsOn).toBe('BAD_USER_INPUT');
      expect(refusal(res).problems.join(), contractEndsOn).toMatch(/contractEndsOn/);
    }
    expect(await footprint()).toEqual(before);
  });
});
