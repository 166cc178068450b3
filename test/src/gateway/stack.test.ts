/**
 * The gateway on the real stack: counter-scheduling's `slaBreached` completed with
 * work-permit's and residence-permit's fields, agency scoping end to end, a stopped subgraph
 * and its return, and the GraphQL over HTTP MUST audits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditServer } from 'graphql-http';
import type { Client } from 'graphql-ws';
import { EVENT_TYPES } from '@onestop/common/contract';
import {
  appendEvent,
  startTestSystem,
  waitFor,
  type TestSystem,
  collect,
  wsClient,
  AGENCY_A,
  AGENCY_B,
  agencyToken,
  fileCase,
  filing,
  today,
} from '../testkit/index.js';

const ALERTS = /* GraphQL */ `
  subscription Alerts {
    slaBreached {
      eventId
      kind
      breach
      case {
        id
        reference
        applicant {
          fullName
        }
        residencePermit {
          status
        }
      }
    }
  }
`;

interface Alert {
  slaBreached: {
    eventId: string;
    kind: string;
    breach: boolean;
    case: {
      id: string;
      reference: string;
      applicant: { fullName: string };
      residencePermit: { status: string } | null;
    };
  };
}

describe('gateway on the real stack', () => {
  let sys: TestSystem;
  const clients: Client[] = [];
  const cases: Record<'a' | 'b', { id: string; reference: string; employerId: string; fullName: string }> = {} as never;

  const ws = (token: string): Client => {
    const c = wsClient(sys.gatewayUrl, token);
    clients.push(c);
    return c;
  };

  const breach = (c: { id: string; employerId: string }): Promise<string> => {
    const at = new Date().toISOString();
    return appendEvent(sys.sql, {
      type: EVENT_TYPES.slaBreached,
      source: 'counter-scheduling',
      aggregateId: c.id,
      employerId: c.employerId,
      payload: {
        clockId: `clock-${c.id}`,
        caseId: c.id,
        kind: 'PRE_EXAMINATION',
        threshold: 100,
        counterId: null,
        category: 'B',
        dueAt: at,
        at,
      },
    });
  };

  beforeAll(async () => {
    sys = await startTestSystem();
    const day = await today(sys);
    for (const [key, i, employerId] of [
      ['a', 0, AGENCY_A.employerIds[0]],
      ['b', 1, AGENCY_B.employerIds[0]],
    ] as const) {
      const filed = await fileCase(sys, await agencyToken(sys, i), filing(employerId, day));
      cases[key] = {
        id: filed.id,
        reference: filed.reference,
        employerId,
        fullName: (filed as unknown as { applicant: { fullName: string } }).applicant.fullName,
      };
    }
    // residence-permit opens its application from work-permit's event.
    const manager = await sys.token('MANAGER');
    await waitFor(
      async () => {
        const r = await sys.gql<{ case: { residencePermit: unknown } }>(
          'query ($id: ID!) { case(id: $id) { residencePermit { status } } }',
          { id: cases.a.id },
          manager,
        );
        return r.data?.case?.residencePermit ?? undefined;
      },
      15_000,
      'the residence-permit application',
    );
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await sys?.stop();
  });

  it('delivers slaBreached with fields from all three subgraphs, and an agency only its own employers’ alerts', async () => {
    const manager = collect<Alert>(ws(await sys.token('MANAGER')), { query: ALERTS });
    const agencyA = collect<Alert>(ws(await agencyToken(sys, 0)), { query: ALERTS });
    const agencyB = collect<Alert>(ws(await agencyToken(sys, 1)), { query: ALERTS });
    // The upstream subscriptions are open once an alert sent now reaches everyone it concerns.
    await waitFor(
      async () => {
        await breach(cases.a);
        await new Promise((r) => setTimeout(r, 200));
        return manager.results.length > 0 && agencyA.results.length > 0;
      },
      15_000,
      'the subscriptions to be live',
    );
    const idA = await breach(cases.a);
    const idB = await breach(cases.b);
    const has = (c: typeof manager, id: string) => c.results.find((r) => r.data?.slaBreached.eventId === id);
    await waitFor(
      () => has(manager, idA) && has(manager, idB) && has(agencyA, idA) && has(agencyB, idB),
      15_000,
      'the alerts',
    );
    expect(manager.results.every((r) => r.errors === undefined)).toBe(true);
    expect(has(manager, idA)!.data!.slaBreached).toEqual({
      eventId: idA,
      kind: 'PRE_EXAMINATION',
      breach: true,
      case: {
        id: cases.a.id,
        reference: cases.a.reference,
        applicant: { fullName: cases.a.fullName },
        residencePermit: { status: expect.any(String) },
      },
    });
    expect(has(manager, idB)!.data!.slaBreached.case.reference).toBe(cases.b.reference);
    // Every alert each agency ever received (the warm-up ones included) concerns its own employer's case.
    expect(new Set(agencyA.results.map((r) => r.data?.slaBreached.case.id))).toEqual(new Set([cases.a.id]));
    expect(agencyB.results.map((r) => r.data?.slaBreached.case.id)).toEqual([cases.b.id]);
    manager.stop();
    agencyA.stop();
    agencyB.stop();
  });

  it('returns the other subgraphs’ fields while one is stopped, names the path, and recovers when it restarts', async () => {
    const manager = await sys.token('MANAGER');
    const query = 'query ($id: ID!) { case(id: $id) { reference residencePermit { status } } serviceCounters { id } }';
    await sys.stack.stopService('residence-permit');
    try {
      const res = await sys.gql<{ case: { reference: string; residencePermit: unknown }; serviceCounters: unknown[] }>(
        query,
        { id: cases.a.id },
        manager,
      );
      expect(res.data!.case).toEqual({ reference: cases.a.reference, residencePermit: null });
      expect(res.data!.serviceCounters).toHaveLength(15);
      expect(res.errors).toEqual([
        expect.objectContaining({
          path: ['case', 'residencePermit'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'residence-permit' },
        }),
      ]);
      const ready = await fetch(new URL('/ready', sys.gatewayUrl));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'degraded',
        subgraphs: { 'residence-permit': 'down', 'work-permit': 'ready', 'counter-scheduling': 'ready' },
      });
    } finally {
      await sys.stack.startService('residence-permit');
    }
    const again = await sys.gql<{ case: { residencePermit: { status: string } } }>(query, { id: cases.a.id }, manager);
    expect(again.errors).toBeUndefined();
    expect(again.data!.case.residencePermit).toEqual({ status: expect.any(String) });
    expect((await fetch(new URL('/ready', sys.gatewayUrl))).status).toBe(200);
  });

  it('passes every MUST of the GraphQL over HTTP audits', async () => {
    const results = await auditServer({ url: sys.gatewayUrl });
    expect(results.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok').map((r) => r.name)).toEqual([]);
  });
});
