/**
 * The counter workstation's API (issue 12): a clerk's windows and the counter of their token,
 * the acceptance rule of decision 0008, retries with idempotency keys, no-show and recall, the
 * check-in preview, and the public hall display.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestSystem,
  type TestSystem,
  count,
  countEvents,
  errorCode,
  moveClockTo,
  nextWorkingMonday,
  ok,
  reportInterview,
  reportMaterials,
  seedCase,
  settleResidencePermit,
  shanghai,
  tokens,
} from '../testkit/index.js';

const OPEN = `mutation ($c: ID!, $w: Int!, $k: String) { openWindow(counterId: $c, window: $w, idempotencyKey: $k) { counterId window open clerkId clerkName openedAt } }`;
const CLOSE = `mutation ($c: ID!, $w: Int!) { closeWindow(counterId: $c, window: $w) { window open clerkName } }`;
const WINDOWS = `query ($c: ID!) { counterWindows(counterId: $c) { window open clerkName } }`;
const LOAD = `query ($c: ID!) { counterLoad(counterId: $c) { windowsOpen } }`;
const CHECK_IN = `mutation ($caseId: ID!, $k: String) { checkIn(caseId: $caseId, idempotencyKey: $k) { id ticketNumber status } }`;
const PREVIEW = `query ($caseId: ID!) { checkInPreview(caseId: $caseId) { outcome reason message category appointmentLetterNumber } }`;
const CALL = `mutation ($w: Int!, $k: String) { callNext(window: $w, idempotencyKey: $k) { id caseId ticketNumber status window } }`;
const START = `mutation ($id: ID!, $k: String) { startService(ticketId: $id, idempotencyKey: $k) { id status } }`;
const COMPLETE = `mutation ($id: ID!) { completeService(ticketId: $id) { id status } }`;
const MISSED = `mutation ($id: ID!) { markMissed(ticketId: $id) { id status completedAt } }`;
const RECALL = `mutation ($id: ID!) { recallTicket(ticketId: $id) { id status } }`;
const ACCEPT = `mutation ($caseId: ID!, $k: String) { acceptDocuments(caseId: $caseId, idempotencyKey: $k) { caseId receiptNumber } }`;
const BY_RECEIPT = `query ($n: String!) { documentsAcceptanceByReceipt(receiptNumber: $n) { caseId receiptNumber counterId } }`;
const HALL = `query ($c: ID!) { hallDisplay(counterId: $c) { counterId name nameZh waiting calls { ticketNumber window status recalls } eventId } }`;

interface Ticket {
  id: string;
  caseId: string;
  ticketNumber: string;
  status: string;
  window: number | null;
}

describe('counter workstation API (issue 12)', () => {
  let sys: TestSystem;
  let t: Awaited<ReturnType<typeof tokens>>;
  let colleague: string;

  beforeAll(async () => {
    sys = await startTestSystem();
    t = await tokens(sys);
    colleague = await sys.token('CLERK', { counterId: 'chaoyang-cbd', sub: 'clerk-colleague', name: 'Li Colleague' });
    await moveClockTo(sys, shanghai(await nextWorkingMonday(sys), '09:30'));
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('a clerk opens and closes windows only at the counter of their token; windows open drive the live load', async () => {
    expect(errorCode(await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 1 }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 1 }, t.agency))).toBe('FORBIDDEN');
    expect(errorCode(await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 1 }, t.manager))).toBe('FORBIDDEN');
    // The clerk of xicheng at chaoyang-cbd: FORBIDDEN, naming both counters; nothing written.
    const elsewhere = await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 1 }, t.otherClerk);
    expect(errorCode(elsewhere)).toBe('FORBIDDEN');
    expect(elsewhere.errors![0]!.message).toBe('You staff counter xicheng; this is counter chaoyang-cbd.');
    expect(errorCode(await sys.gql(CLOSE, { c: 'chaoyang-cbd', w: 1 }, t.otherClerk))).toBe('FORBIDDEN');
    expect(await count(sys, 'counter_window')).toBe(0);
    expect(errorCode(await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 7 }, t.clerk))).toBe('BAD_USER_INPUT');
    expect(ok(await sys.gql<{ counterLoad: { windowsOpen: number } }>(LOAD, { c: 'chaoyang-cbd' }, t.manager))).toEqual(
      { counterLoad: { windowsOpen: 0 } },
    );

    const key = randomUUID();
    const opened = ok(
      await sys.gql<{ openWindow: { window: number; open: boolean; clerkId: string } }>(
        OPEN,
        { c: 'chaoyang-cbd', w: 2, k: key },
        t.clerk,
      ),
    ).openWindow;
    expect(opened).toMatchObject({ window: 2, open: true, clerkId: 'clerk-test' });
    // A retry with the same key answers the same and writes nothing more.
    ok(await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 2, k: key }, t.clerk));
    expect(await countEvents(sys, 'counter.window-opened')).toBe(1);
    // The same key for another window is a new action: CONFLICT.
    const reused = await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 3, k: key }, t.clerk);
    expect(errorCode(reused)).toBe('CONFLICT');
    expect(reused.errors![0]!.extensions!.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    // A colleague cannot take a window someone is at.
    const taken = await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 2 }, colleague);
    expect(errorCode(taken)).toBe('CONFLICT');
    expect(taken.errors![0]!.extensions!.reason).toBe('WINDOW_TAKEN');
    ok(await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 3 }, colleague));
    expect(
      ok(await sys.gql<{ counterLoad: { windowsOpen: number } }>(LOAD, { c: 'chaoyang-cbd' }, t.manager)).counterLoad
        .windowsOpen,
    ).toBe(2);

    // Moving to another window closes the first: a clerk is at one window at a time.
    ok(await sys.gql(OPEN, { c: 'chaoyang-cbd', w: 1 }, t.clerk));
    const windows = ok(
      await sys.gql<{ counterWindows: { window: number; open: boolean; clerkName: string | null }[] }>(
        WINDOWS,
        { c: 'chaoyang-cbd' },
        t.manager,
      ),
    ).counterWindows;
    expect(windows.filter((w) => w.open).map((w) => w.window)).toEqual([1, 3]);
    expect(windows).toHaveLength(6);
    expect(
      ok(await sys.gql<{ counterLoad: { windowsOpen: number } }>(LOAD, { c: 'chaoyang-cbd' }, t.manager)).counterLoad
        .windowsOpen,
    ).toBe(2);

    ok(await sys.gql(CLOSE, { c: 'chaoyang-cbd', w: 3 }, colleague));
    expect(errorCode(await sys.gql(CLOSE, { c: 'chaoyang-cbd', w: 3 }, colleague))).toBe('INVALID_TRANSITION');
    expect(
      ok(await sys.gql<{ counterLoad: { windowsOpen: number } }>(LOAD, { c: 'chaoyang-cbd' }, t.manager)).counterLoad
        .windowsOpen,
    ).toBe(1);
  });

  it('says what check-in will do before it happens, and a retried check-in issues one ticket', async () => {
    const a = await seedCase(sys, { category: 'A' });
    const b = await seedCase(sys, { category: 'B' });
    expect(ok(await sys.gql(PREVIEW, { caseId: a }, t.clerk))).toEqual({
      checkInPreview: { outcome: 'WALK_IN', reason: null, message: null, category: 'A', appointmentLetterNumber: null },
    });
    const refused = ok(
      await sys.gql<{ checkInPreview: { outcome: string; reason: string; message: string } }>(
        PREVIEW,
        { caseId: b },
        t.clerk,
      ),
    ).checkInPreview;
    expect(refused).toMatchObject({ outcome: 'REFUSED', reason: 'NO_APPOINTMENT_TODAY' });
    expect(refused.message).toMatch(/^Turned away: a Category B applicant needs an appointment at chaoyang-cbd today/);
    expect(errorCode(await sys.gql(PREVIEW, { caseId: a }, t.agency))).toBe('FORBIDDEN');
    // The preview wrote nothing.
    expect(await count(sys, 'ticket', 'case_id = ANY($1)', [[a, b]])).toBe(0);

    const key = randomUUID();
    const [first, second] = await Promise.all([
      sys.gql<{ checkIn: Ticket }>(CHECK_IN, { caseId: a, k: key }, t.clerk),
      sys.gql<{ checkIn: Ticket }>(CHECK_IN, { caseId: a, k: key }, t.clerk),
    ]);
    expect(ok(first).checkIn.id).toBe(ok(second).checkIn.id);
    expect(await count(sys, 'ticket', 'case_id = $1', [a])).toBe(1);
    expect(await countEvents(sys, 'queue.ticket-issued', a)).toBe(1);
    expect(
      ok(await sys.gql<{ checkInPreview: { reason: string } }>(PREVIEW, { caseId: a }, t.clerk)).checkInPreview.reason,
    ).toBe('ALREADY_CHECKED_IN');
  });

  it('decision 0008: acceptance only while the visit is being served at this counter; retries accept once', async () => {
    const caseId = await seedCase(sys, { category: 'A' });
    await settleResidencePermit(sys, caseId);
    await reportMaterials(sys, caseId, [], []);
    await reportInterview(sys, caseId, { required: false, satisfied: true, scheduled: false });
    const refusedBefore = await sys.gql(ACCEPT, { caseId }, t.clerk);
    expect(refusedBefore.errors![0]!.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'VISIT_NOT_BEING_SERVED',
    });
    expect(refusedBefore.errors![0]!.extensions!.problems).toEqual([
      'the applicant has not checked in at counter chaoyang-cbd today',
    ]);

    const ticket = ok(await sys.gql<{ checkIn: Ticket }>(CHECK_IN, { caseId }, t.clerk)).checkIn;
    const waiting = await sys.gql(ACCEPT, { caseId }, t.clerk);
    expect(waiting.errors![0]!.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'VISIT_NOT_BEING_SERVED',
    });
    expect(waiting.errors![0]!.extensions!.problems).toEqual([
      `ticket ${ticket.ticketNumber} is still waiting: call it to a window and start the service first`,
    ]);

    // Call until it is ours (the walk-in of the previous test is ahead: called first, then missed by the next call).
    const callKey = randomUUID();
    let called = ok(await sys.gql<{ callNext: Ticket }>(CALL, { w: 1, k: callKey }, t.clerk)).callNext;
    // A retried call with its key answers the same ticket: it does not call another.
    expect(ok(await sys.gql<{ callNext: Ticket }>(CALL, { w: 1, k: callKey }, t.clerk)).callNext.id).toBe(called.id);
    if (called.caseId !== caseId) {
      const missed = ok(await sys.gql<{ markMissed: Ticket }>(MISSED, { id: called.id }, t.clerk)).markMissed;
      expect(missed.status).toBe('MISSED');
      expect(errorCode(await sys.gql(MISSED, { id: called.id }, t.clerk))).toBe('INVALID_TRANSITION');
      called = ok(await sys.gql<{ callNext: Ticket }>(CALL, { w: 1 }, t.clerk)).callNext;
    }
    expect(called).toMatchObject({ id: ticket.id, status: 'CALLED', window: 1 });
    const atWindow = await sys.gql(ACCEPT, { caseId }, t.clerk);
    expect(atWindow.errors![0]!.extensions!.problems).toEqual([
      `ticket ${ticket.ticketNumber} is called to window 1: start the service first`,
    ]);
    // Accepting at another counter: FORBIDDEN is not the point there (its clerk may accept), the visit is.
    const other = await sys.gql(ACCEPT, { caseId }, t.otherClerk);
    expect(other.errors![0]!.extensions!.problems).toEqual([
      'the applicant has not checked in at counter xicheng today',
    ]);
    expect(await count(sys, 'acceptance', 'case_id = $1', [caseId])).toBe(0);

    const startKey = randomUUID();
    ok(await sys.gql(START, { id: ticket.id, k: startKey }, t.clerk));
    // A retried start (the answer was lost) is answered, not refused as an invalid transition.
    expect(
      ok(await sys.gql<{ startService: Ticket }>(START, { id: ticket.id, k: startKey }, t.clerk)).startService.status,
    ).toBe('SERVING');
    expect(await countEvents(sys, 'queue.service-started', caseId)).toBe(1);

    const acceptKey = randomUUID();
    const [one, two] = await Promise.all([
      sys.gql<{ acceptDocuments: { receiptNumber: string } }>(ACCEPT, { caseId, k: acceptKey }, t.clerk),
      sys.gql<{ acceptDocuments: { receiptNumber: string } }>(ACCEPT, { caseId, k: acceptKey }, t.clerk),
    ]);
    const receipt = ok(one).acceptDocuments.receiptNumber;
    expect(ok(two).acceptDocuments.receiptNumber).toBe(receipt);
    expect(await countEvents(sys, 'case.documents-accepted', caseId)).toBe(1);
    // Without the key, a second acceptance is still refused as before.
    expect(errorCode(await sys.gql(ACCEPT, { caseId }, t.clerk))).toBe('INVALID_TRANSITION');

    // The claim desk finds it by the receipt number, typed in lower case with spaces.
    expect(ok(await sys.gql(BY_RECEIPT, { n: ` ${receipt.toLowerCase()} ` }, t.clerk))).toEqual({
      documentsAcceptanceByReceipt: { caseId, receiptNumber: receipt, counterId: 'chaoyang-cbd' },
    });
    expect(ok(await sys.gql(BY_RECEIPT, { n: 'RA-2000-000000' }, t.clerk))).toEqual({
      documentsAcceptanceByReceipt: null,
    });
    expect(errorCode(await sys.gql(BY_RECEIPT, { n: receipt }, t.agency))).toBe('FORBIDDEN');

    ok(await sys.gql(COMPLETE, { id: ticket.id }, t.clerk));
    const row = await sys.sql.query(`SELECT status FROM cs.ticket WHERE id = $1`, [ticket.id]);
    expect(row.rows[0]).toEqual({ status: 'DONE' });
  });

  it('shows the hall who is called to which window, without a token and without personal data; recall puts a ticket on top', async () => {
    const x = await seedCase(sys, { category: 'A' });
    const y = await seedCase(sys, { category: 'A' });
    const tx = ok(await sys.gql<{ checkIn: Ticket }>(CHECK_IN, { caseId: x }, t.clerk)).checkIn;
    const ty = ok(await sys.gql<{ checkIn: Ticket }>(CHECK_IN, { caseId: y }, colleague)).checkIn;
    const first = ok(await sys.gql<{ callNext: Ticket }>(CALL, { w: 1 }, t.clerk)).callNext;
    const second = ok(await sys.gql<{ callNext: Ticket }>(CALL, { w: 3 }, colleague)).callNext;
    expect([first.id, second.id].sort()).toEqual([tx.id, ty.id].sort());

    type Hall = {
      hallDisplay: {
        name: string;
        nameZh: string;
        waiting: number;
        calls: { ticketNumber: string; window: number; status: string; recalls: number }[];
      };
    };
    const hall = ok(await sys.gql<Hall>(HALL, { c: 'chaoyang-cbd' }, null)).hallDisplay;
    expect(hall.nameZh).toBe('朝阳CBD国际人才港');
    expect(hall.calls.slice(0, 2)).toEqual([
      { ticketNumber: second.ticketNumber, window: 3, status: 'CALLED', recalls: 0 },
      { ticketNumber: first.ticketNumber, window: 1, status: 'CALLED', recalls: 0 },
    ]);
    const text = JSON.stringify(hall);
    expect(text).not.toContain(x);
    expect(text).not.toContain('Test Applicant');

    // Recall the first: it goes on top; only a CALLED ticket can be recalled, by a clerk of the counter.
    expect(errorCode(await sys.gql(RECALL, { id: first.id }, t.otherClerk))).toBe('FORBIDDEN');
    expect(ok(await sys.gql<{ recallTicket: Ticket }>(RECALL, { id: first.id }, t.clerk)).recallTicket.status).toBe(
      'CALLED',
    );
    expect(await countEvents(sys, 'queue.ticket-recalled', first.caseId)).toBe(1);
    const recalled = ok(await sys.gql<Hall>(HALL, { c: 'chaoyang-cbd' }, null)).hallDisplay;
    expect(recalled.calls[0]).toEqual({ ticketNumber: first.ticketNumber, window: 1, status: 'CALLED', recalls: 1 });
    ok(await sys.gql(START, { id: first.id }, t.clerk));
    expect(errorCode(await sys.gql(RECALL, { id: first.id }, t.clerk))).toBe('INVALID_TRANSITION');
    expect(errorCode(await sys.gql(HALL, { c: 'nowhere' }, null))).toBe('NOT_FOUND');
  });
});
