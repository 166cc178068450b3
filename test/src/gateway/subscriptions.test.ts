/**
 * Federated subscriptions through the gateway, against fixture subgraphs: the owner's event is
 * completed with fields from the two other subgraphs, subscribers share upstream
 * subscriptions by scope, agencies only hear their employers' events, a restarted subgraph is
 * resumed from the last event seen, and graphql-ws protocol errors close with its codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, closeCode, collect, startFixtureSystem, type FixtureSystem } from '../testkit/index.js';

const SLA = /* GraphQL */ `
  subscription Breaches {
    slaBreached {
      kind
      case {
        id
        reference
        applicant {
          fullName
        }
        residencePermit {
          status
        }
        counterId
      }
    }
  }
`;

interface Breach {
  slaBreached: {
    kind: string;
    case: {
      id: string;
      reference: string;
      applicant: { fullName: string } | null;
      residencePermit: { status: string } | null;
      counterId: string | null;
    } | null;
  };
}

/** case-1 as every subscriber allowed to see it receives it, fields from all three subgraphs. */
const CASE_1 = {
  id: 'case-1',
  reference: 'OS-2026-000001',
  applicant: { fullName: 'Ada Lovelace' },
  residencePermit: { status: 'UNDER_REVIEW' },
  counterId: 'chaoyang-cbd',
};

describe('gateway: federated subscriptions', () => {
  let sys: FixtureSystem;
  beforeAll(async () => {
    sys = await startFixtureSystem();
  });
  afterAll(async () => {
    await sys?.stop();
  });

  /** Waits until the fixture has `n` upstream subscriptions in total. */
  const upstreams = (n: number): Promise<true> =>
    waitFor(() => sys.seen.subscribes.length >= n || undefined, 15_000, `${n} upstream subscriptions`) as Promise<true>;
  const settle = async (): Promise<void> => {
    await waitFor(
      () => sys.gateway.subscriptionStats().upstreams === 0 && sys.seen.activeStreams === 0,
      15_000,
      'every upstream subscription to close',
    );
  };

  it('delivers an event with fields from all three subgraphs', async () => {
    const before = sys.seen.subscribes.length;
    const sub = collect<Breach>(sys.wsClient(await sys.token('MANAGER')), { query: SLA });
    await upstreams(before + 1);
    sys.feed.publish('ISSUANCE_BREACHED', 'case-1');
    await sub.waitFor(1);
    expect(sub.results[0]).toEqual({
      data: {
        slaBreached: {
          kind: 'ISSUANCE_BREACHED',
          case: CASE_1,
        },
      },
    });
    sub.stop();
    await settle();
  });

  it('shares one upstream subscription and one completion per event among subscribers of the same scope', async () => {
    const before = sys.seen.subscribes.length;
    // Two different managers: same role, same scope.
    const a = collect<Breach>(sys.wsClient(await sys.token('MANAGER', { sub: 'manager-1' })), { query: SLA });
    const b = collect<Breach>(sys.wsClient(await sys.token('MANAGER', { sub: 'manager-2' })), { query: SLA });
    await upstreams(before + 1);
    await waitFor(() => sys.gateway.subscriptionStats().subscribers === 2, 15_000, 'both subscribers attached');
    const wpFetches = sys.seen.requestIds['work-permit'].length;
    const rpFetches = sys.seen.requestIds['residence-permit'].length;
    sys.feed.publish('PRE_EXAM_BREACHED', 'case-2');
    await a.waitFor(1);
    await b.waitFor(1);
    expect(a.results[0]).toEqual(b.results[0]);
    expect(a.results[0]!.data!.slaBreached.case!.reference).toBe('OS-2026-000002');
    expect(sys.seen.subscribes.length - before).toBe(1);
    expect(sys.gateway.subscriptionStats()).toEqual({ upstreams: 1, subscribers: 2 });
    // `rest` ran once for the event, not once per subscriber.
    expect(sys.seen.requestIds['work-permit'].length - wpFetches).toBe(1);
    expect(sys.seen.requestIds['residence-permit'].length - rpFetches).toBe(1);
    a.stop();
    await waitFor(() => sys.gateway.subscriptionStats().subscribers === 1, 15_000, 'one subscriber left');
    expect(sys.seen.activeStreams).toBe(1);
    b.stop();
    await settle();
  });

  it('never gives an agency another employer’s events, and agencies of different scopes do not share', async () => {
    const before = sys.seen.subscribes.length;
    const agencyA = collect<Breach>(
      sys.wsClient(await sys.token('AGENCY', { agencyId: 'agency-a', employerIds: ['emp-a'] })),
      { query: SLA },
    );
    const agencyB = collect<Breach>(
      sys.wsClient(await sys.token('AGENCY', { sub: 'agency-b-user', agencyId: 'agency-b', employerIds: ['emp-b'] })),
      { query: SLA },
    );
    await upstreams(before + 2);
    sys.feed.publish('ISSUANCE_BREACHED', 'case-2'); // emp-b
    sys.feed.publish('ISSUANCE_BREACHED', 'case-1'); // emp-a
    await agencyA.waitFor(1);
    await agencyB.waitFor(1);
    // Give a wrongly routed event the time to arrive before asserting it did not.
    sys.feed.publish('COUNTER_WAIT_BREACHED', 'case-2');
    await agencyB.waitFor(2);
    expect(agencyA.results.map((r) => r.data?.slaBreached.case?.id)).toEqual(['case-1']);
    expect(agencyB.results.map((r) => r.data?.slaBreached.case?.id)).toEqual(['case-2', 'case-2']);
    const scopes = sys.seen.subscribes.slice(before).map((s) => s.actor?.employerIds.join(','));
    expect(scopes.sort()).toEqual(['emp-a', 'emp-b']);
    agencyA.stop();
    agencyB.stop();
    await settle();
  });

  it('shares execution only within a scope: one scope gets identical payloads, another its own, each completed as itself', async () => {
    const before = sys.seen.subscribes.length;
    // Two users of one agency (same scope, different subjects) and a manager (another scope).
    const agency1 = collect<Breach>(sys.wsClient(await sys.token('AGENCY', { sub: 'agency-a-1' })), { query: SLA });
    const agency2 = collect<Breach>(sys.wsClient(await sys.token('AGENCY', { sub: 'agency-a-2' })), { query: SLA });
    const manager = collect<Breach>(sys.wsClient(await sys.token('MANAGER', { sub: 'manager-9' })), { query: SLA });
    await upstreams(before + 2);
    await waitFor(() => sys.gateway.subscriptionStats().subscribers === 3 || undefined, 15_000, 'three subscribers');
    expect(sys.gateway.subscriptionStats()).toEqual({ upstreams: 2, subscribers: 3 });
    const fetchedAs = sys.seen.actors['work-permit'].length;
    sys.feed.publish('ISSUANCE_BREACHED', 'case-2'); // emp-b: not the agency's
    sys.feed.publish('PRE_EXAM_BREACHED', 'case-1'); // emp-a
    sys.feed.publish('WARNING_75', 'case-1');
    await manager.waitFor(3);
    await agency1.waitFor(2);
    await agency2.waitFor(2);
    expect(manager.results.map((r) => [r.data?.slaBreached.kind, r.data?.slaBreached.case?.reference])).toEqual([
      ['ISSUANCE_BREACHED', 'OS-2026-000002'],
      ['PRE_EXAM_BREACHED', 'OS-2026-000001'],
      ['WARNING_75', 'OS-2026-000001'],
    ]);
    expect(agency1.results[0]).toEqual({
      data: {
        slaBreached: {
          kind: 'PRE_EXAM_BREACHED',
          case: CASE_1,
        },
      },
    });
    expect(agency1.results.map((r) => r.data?.slaBreached.kind)).toEqual(['PRE_EXAM_BREACHED', 'WARNING_75']);
    // The same scope shares one completion: both agency users got the very same results.
    expect(agency2.results).toEqual(agency1.results);
    // Each scope's events were completed once per event, under that scope's identity.
    const actors = sys.seen.actors['work-permit'].slice(fetchedAs);
    expect(actors.filter((a) => a?.role === 'AGENCY')).toHaveLength(2);
    expect(actors.filter((a) => a?.role === 'MANAGER')).toHaveLength(3);
    expect(actors.filter((a) => a?.role === 'AGENCY').every((a) => a!.employerIds.join() === 'emp-a')).toBe(true);
    agency1.stop();
    agency2.stop();
    manager.stop();
    await settle();
  });

  it('stops a subscriber whose token expires, while those sharing its upstream keep receiving as themselves', async () => {
    const before = sys.seen.subscribes.length;
    const shortLived = await sys.idp.sign({ sub: 'manager-short', role: 'MANAGER' }, { ttl: '6s' });
    const short = collect<Breach>(sys.wsClient(shortLived), { query: SLA });
    const long = collect<Breach>(sys.wsClient(await sys.token('MANAGER', { sub: 'manager-long' })), { query: SLA });
    await upstreams(before + 1);
    await waitFor(() => sys.gateway.subscriptionStats().subscribers === 2 || undefined, 15_000, 'both subscribers');
    sys.feed.publish('WARNING_50', 'case-1');
    await short.waitFor(1);
    await long.waitFor(1);
    expect(short.results[0]).toEqual(long.results[0]);
    // At its token's expiry the gateway closes the short-lived subscriber's socket (4403).
    await expect(short.done).rejects.toBeDefined();
    expect(short.results.at(-1)?.errors?.[0]?.message).toMatch(/expired/);
    await waitFor(() => sys.gateway.subscriptionStats().subscribers === 1 || undefined, 15_000, 'one subscriber left');
    const received = short.results.length;
    const fetchedAs = sys.seen.actors['work-permit'].length;
    sys.feed.publish('WARNING_75', 'case-1');
    await long.waitFor(2, 15_000);
    expect(long.results[1]!.data?.slaBreached.kind).toBe('WARNING_75');
    expect(short.results).toHaveLength(received);
    // The event was completed with the identity still valid, never the expired one.
    const after = sys.seen.actors['work-permit'].slice(fetchedAs);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((a) => a?.id === 'manager-long')).toBe(true);
    long.stop();
    await settle();
  });

  it('carries the client’s identity and request id to the subgraph', async () => {
    const before = sys.seen.subscribes.length;
    const sub = collect<Breach>(
      sys.wsClient(await sys.token('WP_OFFICER', { sub: 'officer-7' }), { requestId: 'client-req-0001' }),
      { query: SLA },
    );
    await upstreams(before + 1);
    const upstream = sys.seen.subscribes[before]!;
    expect(upstream.actor).toMatchObject({ id: 'officer-7', role: 'WP_OFFICER' });
    expect(upstream.requestId).toMatch(/^client-req-0001:/);
    sys.feed.publish('ISSUANCE_BREACHED', 'case-1');
    await sub.waitFor(1);
    // The entity fetches for the event carry the same request id.
    expect(sys.seen.requestIds['work-permit'].at(-1)).toBe(upstream.requestId);
    sub.stop();
    await settle();
  });

  it('refuses a subscription without a token with UNAUTHENTICATED', async () => {
    const sub = collect<Breach>(sys.wsClient(null), { query: SLA });
    await sub.waitFor(1);
    expect(sub.results[0]!.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await sub.done;
    await settle();
  });

  it('closes a connection with an invalid token with 4403', async () => {
    const code = await closeCode(sys.wsUrl, [
      { type: 'connection_init', payload: { authorization: 'Bearer not.a.token' } },
    ]);
    expect(code).toBe(4403);
  });

  it('closes the socket with 4403 when the subscriber’s token expires', async () => {
    const shortLived = await sys.idp.sign({ sub: 'm', role: 'MANAGER' }, { ttl: '2s' });
    const code = await closeCode(sys.wsUrl, [
      { type: 'connection_init', payload: { authorization: `Bearer ${shortLived}` } },
      'ack',
      { id: '1', type: 'subscribe', payload: { query: SLA } },
    ]);
    expect(code).toBe(4403);
    await settle();
  });

  it('passes the client’s `since` through, replaying what it missed', async () => {
    const first = sys.feed.publish('WARNING_50', 'case-1');
    sys.feed.publish('WARNING_75', 'case-1');
    sys.feed.publish('ISSUANCE_BREACHED', 'case-1');
    const sub = collect<{ slaBreached: { eventId: string; kind: string } }>(sys.wsClient(await sys.token('MANAGER')), {
      query: 'subscription Replay($since: ID) { slaBreached(since: $since) { eventId kind } }',
      variables: { since: first.eventId },
    });
    await sub.waitFor(2);
    expect(sub.results.map((r) => r.data?.slaBreached.kind)).toEqual(['WARNING_75', 'ISSUANCE_BREACHED']);
    expect(sys.seen.subscribes.at(-1)!.since).toBe(first.eventId);
    sub.stop();
    await settle();
  });

  it('resumes transparently after the owning subgraph restarts, with no event lost or repeated', async () => {
    const before = sys.seen.subscribes.length;
    const sub = collect<{ slaBreached: { kind: string } }>(sys.wsClient(await sys.token('MANAGER')), {
      query: 'subscription { slaBreached { kind } }',
    });
    await upstreams(before + 1);
    const seenBefore = sys.feed.publish('BEFORE', 'case-1');
    await sub.waitFor(1);
    await sys.subgraphs['counter-scheduling'].stop();
    // Published while the subgraph is down: in its log, not yet delivered.
    sys.feed.publish('WHILE_DOWN_1', 'case-1');
    sys.feed.publish('WHILE_DOWN_2', 'case-2');
    await sys.subgraphs['counter-scheduling'].start();
    await upstreams(before + 2);
    expect(sys.seen.subscribes.at(-1)!.since).toBe(seenBefore.eventId);
    sys.feed.publish('AFTER', 'case-1');
    await sub.waitFor(4);
    expect(sub.results.map((r) => r.data?.slaBreached.kind)).toEqual([
      'BEFORE',
      'WHILE_DOWN_1',
      'WHILE_DOWN_2',
      'AFTER',
    ]);
    expect(sub.results.every((r) => r.errors === undefined)).toBe(true);
    sub.stop();
    await settle();
  });

  it('serves a subscription that does not follow the resume convention', async () => {
    const sub = collect<{ heartbeat: { n: number } }>(sys.wsClient(await sys.token('MANAGER')), {
      query: 'subscription { heartbeat { n } }',
    });
    await sub.waitFor(3);
    expect(sub.results.slice(0, 3).map((r) => r.data?.heartbeat.n)).toEqual([1, 2, 3]);
    sub.stop();
    await settle();
  });

  it('runs queries over the same socket through the same pipeline', async () => {
    const sub = collect<{ case: { reference: string; residencePermit: { status: string } } }>(
      sys.wsClient(await sys.token('MANAGER')),
      {
        query: '{ case(id: "case-2") { reference residencePermit { status } } }',
      },
    );
    await sub.done;
    expect(sub.results).toEqual([
      { data: { case: { reference: 'OS-2026-000002', residencePermit: { status: 'ISSUED' } } } },
    ]);
  });

  it('refuses a subscription over HTTP with a clear 400', async () => {
    const res = await sys.gql('subscription { heartbeat { n } }', {}, await sys.token('MANAGER'));
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(res.errors?.[0]?.message).toMatch(/WebSocket/);
  });
});

describe('gateway: graphql-ws protocol errors close with the protocol’s codes', () => {
  let sys: FixtureSystem;
  beforeAll(async () => {
    sys = await startFixtureSystem({ GATEWAY_WS_INIT_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('4408 when no ConnectionInit arrives in time', async () => {
    expect(await closeCode(sys.wsUrl, [])).toBe(4408);
  });

  it('4401 for a Subscribe before the connection is acknowledged', async () => {
    expect(await closeCode(sys.wsUrl, [{ id: '1', type: 'subscribe', payload: { query: '{ __typename }' } }])).toBe(
      4401,
    );
  });

  it('4409 for a second subscription with an id already in use', async () => {
    const token = await sys.token('MANAGER');
    const subscribe = { id: 'same', type: 'subscribe', payload: { query: 'subscription { heartbeat { n } }' } };
    const code = await closeCode(sys.wsUrl, [
      { type: 'connection_init', payload: { authorization: `Bearer ${token}` } },
      'ack',
      subscribe,
      subscribe,
    ]);
    expect(code).toBe(4409);
  });

  it('4429 for a second ConnectionInit', async () => {
    const init = { type: 'connection_init', payload: {} };
    expect(await closeCode(sys.wsUrl, [init, 'ack', init])).toBe(4429);
  });
});
