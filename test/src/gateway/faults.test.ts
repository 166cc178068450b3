/**
 * The gateway under faults, against fixture subgraphs: a stopped subgraph costs only its own
 * fields (each error names its path), the gateway recovers when the subgraph returns, a slow
 * subgraph times out, and /ready reports each subgraph.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, collect, startFixtureSystem, type FixtureSystem } from '../testkit/index.js';

const CASE =
  '{ counterName(id: "c1") case(id: "case-1") { reference applicant { fullName } residencePermit { status } } }';

describe('gateway under faults', () => {
  let sys: FixtureSystem;
  let manager: string;
  beforeAll(async () => {
    sys = await startFixtureSystem();
    manager = await sys.token('MANAGER');
  });
  afterAll(async () => {
    await sys?.stop();
  });

  const ready = async (
    url = sys.gatewayUrl,
  ): Promise<{ status: number; body: { status: string; subgraphs: Record<string, string> } }> => {
    const res = await fetch(new URL('/ready', url));
    return { status: res.status, body: (await res.json()) as never };
  };

  it('reports every subgraph ready', async () => {
    expect(await ready()).toEqual({
      status: 200,
      body: {
        status: 'ready',
        subgraphs: { 'work-permit': 'ready', 'residence-permit': 'ready', 'counter-scheduling': 'ready' },
        pid: expect.any(Number),
      },
    });
    const health = await fetch(new URL('/health', sys.gatewayUrl));
    expect(await health.json()).toEqual({ status: 'ok', service: 'gateway' });
  });

  it('with an entity subgraph down: the other fields return, the error names the path, and it recovers', async () => {
    await sys.subgraphs['residence-permit'].stop();
    try {
      const res = await sys.gql(CASE, {}, manager);
      expect(res.status).toBe(200);
      expect(res.data).toEqual({
        counterName: 'Counter c1',
        case: { reference: 'OS-2026-000001', applicant: { fullName: 'Ada Lovelace' }, residencePermit: null },
      });
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]).toMatchObject({
        path: ['case', 'residencePermit'],
        extensions: { code: 'SERVICE_UNAVAILABLE', service: 'residence-permit' },
      });
      expect(JSON.stringify(res.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed|http:/);
      expect(await ready()).toMatchObject({
        status: 503,
        body: { status: 'degraded', subgraphs: { 'residence-permit': 'down', 'work-permit': 'ready' } },
      });
    } finally {
      await sys.subgraphs['residence-permit'].start();
    }
    const again = await sys.gql(CASE, {}, manager);
    expect(again.errors).toBeUndefined();
    expect(again.data).toMatchObject({ case: { residencePermit: { status: 'UNDER_REVIEW' } } });
    expect((await ready()).status).toBe(200);
  });

  it('with the subgraph owning a root field down: the other root fields return, with an error at that field', async () => {
    await sys.subgraphs['work-permit'].stop();
    try {
      const res = await sys.gql(CASE, {}, manager);
      expect(res.data).toEqual({ counterName: 'Counter c1', case: null });
      expect(res.errors).toEqual([
        expect.objectContaining({
          path: ['case'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'work-permit' },
        }),
      ]);
    } finally {
      await sys.subgraphs['work-permit'].start();
    }
    expect((await sys.gql(CASE, {}, manager)).errors).toBeUndefined();
  });

  it('with an entity subgraph down while a subscription runs: the event still arrives, with that field null and its path', async () => {
    const sub = collect<{
      slaBreached: { kind: string; case: { reference: string; residencePermit: { status: string } | null } };
    }>(sys.wsClient(manager), {
      query: 'subscription { slaBreached { kind case { reference residencePermit { status } } } }',
    });
    await waitFor(() => sys.seen.activeStreams === 1, 15_000, 'the upstream subscription');
    await sys.subgraphs['residence-permit'].stop();
    try {
      sys.feed.publish('ISSUANCE_BREACHED', 'case-1');
      await sub.waitFor(1);
    } finally {
      await sys.subgraphs['residence-permit'].start();
    }
    expect(sub.results[0]!.data).toEqual({
      slaBreached: { kind: 'ISSUANCE_BREACHED', case: { reference: 'OS-2026-000001', residencePermit: null } },
    });
    expect(sub.results[0]!.errors).toEqual([
      expect.objectContaining({
        path: ['slaBreached', 'case', 'residencePermit'],
        extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }),
      }),
    ]);
    sys.feed.publish('ISSUANCE_BREACHED', 'case-1');
    await sub.waitFor(2);
    expect(sub.results[1]).toEqual({
      data: {
        slaBreached: {
          kind: 'ISSUANCE_BREACHED',
          case: { reference: 'OS-2026-000001', residencePermit: { status: 'UNDER_REVIEW' } },
        },
      },
    });
    sub.stop();
  });

  it('times a slow subgraph out (SUBGRAPH_TIMEOUT_MS) instead of holding the request', async () => {
    const { url } = await sys.startGateway({ SUBGRAPH_TIMEOUT_MS: '300' });
    sys.controls.delayMs['residence-permit'] = 5000;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}` },
        body: JSON.stringify({ query: CASE }),
      });
      const body = (await res.json()) as {
        data: { case: { reference: string; residencePermit: unknown } };
        errors: { message: string; path: string[]; extensions: { code: string } }[];
      };
      expect(body.data.case).toEqual({
        reference: 'OS-2026-000001',
        applicant: { fullName: 'Ada Lovelace' },
        residencePermit: null,
      });
      expect(body.errors).toEqual([
        expect.objectContaining({
          path: ['case', 'residencePermit'],
          extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }),
        }),
      ]);
      expect(body.errors[0]!.message).toMatch(/did not answer in time/);
    } finally {
      sys.controls.delayMs['residence-permit'] = 0;
    }
  });
});
