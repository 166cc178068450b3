/**
 * The agency live feed and fair limits through the real stack (issue 15): `caseEvents`
 * through the gateway, scoped to the agency's employers and resumable with `since`; per-agency
 * budgets at the gateway (429 RATE_LIMITED with Retry-After, other agencies and staff unaffected).
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  wsClient,
  AGENCY_A,
  AGENCY_B,
  agencyToken,
  fileCase,
  filing,
  today,
  startTestSystem,
  waitFor,
  type TestSystem,
} from '../testkit/index.js';

const FEED = /* GraphQL */ `
  subscription Feed($since: ID) {
    caseEvents(since: $since) {
      eventId
      type
      caseId
      data
      case {
        reference
        status
      }
    }
  }
`;
interface FeedEvent {
  caseEvents: {
    eventId: string;
    type: string;
    caseId: string;
    data: string;
    case: { reference: string; status: string } | null;
  };
}

let sys: TestSystem;
let agencyA: string;
let agencyB: string;
let day: string;
const clients: Client[] = [];

const ws = (token: string): Client => {
  const c = wsClient(sys.gatewayUrl, token);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  sys = await startTestSystem({ GATEWAY_AGENCY_REQUESTS_PER_MINUTE: '60' });
  agencyA = await agencyToken(sys, 0);
  agencyB = await agencyToken(sys, 1);
  day = await today(sys);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await sys?.stop();
});

describe('caseEvents', () => {
  it("delivers an agency's events and none of another's, and resumes after a reconnect with nothing missed", async () => {
    const clientA = ws(agencyA);
    const feedA = collect<FeedEvent>(clientA, { query: FEED });
    const feedB = collect<FeedEvent>(ws(agencyB), { query: FEED });
    const idsOf = (f: typeof feedA): string[] => f.results.map((r) => r.data!.caseEvents.caseId);
    // Live once a case filed now reaches A's feed.
    const first = await waitFor(
      async () => {
        const c = await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[0], day));
        await new Promise((r) => setTimeout(r, 300));
        return idsOf(feedA).includes(c.id) ? c : undefined;
      },
      20_000,
      'the feed to be live',
    );
    const b = await fileCase(sys, agencyB, filing(AGENCY_B.employerIds[0], day));
    await waitFor(() => idsOf(feedB).includes(b.id), 15_000, "B's own event");
    expect(feedA.results.every((r) => r.errors === undefined)).toBe(true);
    const got = feedA.results.find((r) => r.data!.caseEvents.caseId === first.id)!.data!.caseEvents;
    expect(got).toMatchObject({ type: 'case.submitted', case: { reference: first.reference } });
    expect(JSON.parse(got.data)).toMatchObject({ category: 'B', route: 'NOTIFICATION_LETTER' });
    expect(idsOf(feedA)).not.toContain(b.id);
    expect(idsOf(feedB)).not.toContain(first.id);

    // Disconnect; events happen meanwhile; reconnect with the last eventId.
    const last = feedA.results[feedA.results.length - 1]!.data!.caseEvents.eventId;
    await clientA.dispose();
    const missed = [
      await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[1], day)),
      await fileCase(sys, agencyB, filing(AGENCY_B.employerIds[1], day)),
      await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[0], day)),
    ];
    const resumed = collect<FeedEvent>(ws(agencyA), { query: FEED, variables: { since: last } });
    await waitFor(
      () => idsOf(resumed).includes(missed[0]!.id) && idsOf(resumed).includes(missed[2]!.id),
      20_000,
      'the replay',
    );
    const after = await fileCase(sys, agencyA, filing(AGENCY_A.employerIds[1], day));
    await waitFor(() => idsOf(resumed).includes(after.id), 15_000, 'live after the replay');
    const eventIds = resumed.results.map((r) => BigInt(r.data!.caseEvents.eventId));
    // In order, nothing at or before `since`, no duplicate, nothing of B's.
    expect(eventIds.every((id, i) => id > BigInt(last) && (i === 0 || id > eventIds[i - 1]!))).toBe(true);
    expect(idsOf(resumed)).not.toContain(missed[1]!.id);
    // Exactly A's agency events in the log after `since`, up to the last one received.
    const expected = await sys.sql.query<{ id: string }>(
      `SELECT id::text FROM platform.event_log
       WHERE id > $1 AND id <= $2 AND employer_id = ANY ($3) AND type = ANY ($4) ORDER BY event_log.id`,
      [
        last,
        eventIds[eventIds.length - 1]!.toString(),
        [...AGENCY_A.employerIds],
        [
          'case.submitted',
          'case.resubmitted',
          'case.returned',
          'case.pre-exam-passed',
          'appointment.booked',
          'appointment.rescheduled',
          'appointment.cancelled',
          'appointment.no-show',
          'case.documents-accepted',
          'work-permit.issued',
          'work-permit.refused',
          'residence-permit.issued',
          'residence-permit.refused',
          'residence-permit.interview-demanded',
          'case.ready-for-claim',
          'case.claim-recorded',
          'case.withdrawn',
          'sla.warning',
          'sla.breached',
        ],
      ],
    );
    expect(eventIds.map(String)).toEqual(expected.rows.map((r) => r.id));
  });

  it('refuses a bad since or type with BAD_USER_INPUT', async () => {
    const bad = collect<FeedEvent>(ws(agencyA), { query: FEED, variables: { since: 'yesterday' } });
    await bad.done.catch(() => undefined);
    await waitFor(() => bad.results.length > 0, 15_000, 'the error');
    expect(JSON.stringify(bad.results[0]!.errors)).toContain('BAD_USER_INPUT');
  });
});

describe('fair limits', () => {
  const post = (token: string) =>
    fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ webhookEventTypes }' }),
    });

  it('an agency over its budget gets 429 with Retry-After while another agency and staff succeed', async () => {
    let refused: Response | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const r = await post(agencyA);
      if (r.status === 429) refused = r;
      else expect(r.status).toBe(200);
    }
    expect(refused).toBeDefined();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused!.json()) as { errors: { extensions: { code: string; budget: string } }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'requests' });
    // Another agency and staff are unaffected.
    const other = await post(agencyB);
    expect(other.status).toBe(200);
    expect(((await other.json()) as { data: { webhookEventTypes: string[] } }).data.webhookEventTypes).toContain(
      'case.returned',
    );
    expect((await post(await sys.token('MANAGER'))).status).toBe(200);
  });
});
