import { describe, expect, it } from 'vitest';
import { graphql } from './graphql.js';
import { actorFromClaims } from '@onestop/common';
import { AgencyRateLimiter, chargeSubscription, operationCost } from './rate-limit.js';

const { parse, Kind } = graphql;

function limiter(requestsPerMinute: number, costPerMinute: number, instances = 1) {
  let now = 0;
  const l = new AgencyRateLimiter({ requestsPerMinute, costPerMinute, instances }, () => now);
  return { l, advance: (ms: number) => (now += ms) };
}

describe('AgencyRateLimiter', () => {
  it('allows a minute of requests, then refuses with the wait until one more fits, per agency', () => {
    const { l, advance } = limiter(60, 0);
    for (let i = 0; i < 60; i++) expect(l.take('a', 1).ok).toBe(true);
    expect(l.take('a', 1)).toEqual({ ok: false, budget: 'requests', retryAfterSeconds: 1 });
    expect(l.take('b', 1).ok).toBe(true);
    advance(1000);
    expect(l.take('a', 1).ok).toBe(true);
    expect(l.take('a', 1).ok).toBe(false);
  });

  it('charges the cost budget; a refused request takes nothing from either budget', () => {
    const { l, advance } = limiter(1000, 600);
    expect(l.take('a', 500).ok).toBe(true);
    expect(l.take('a', 200)).toEqual({ ok: false, budget: 'cost', retryAfterSeconds: 10 });
    expect(l.take('a', 100).ok).toBe(true);
    advance(60_000);
    expect(l.take('a', 600).ok).toBe(true);
  });

  it('enforces 1/N of each budget per instance', () => {
    const { l } = limiter(60, 0, 3);
    let allowed = 0;
    while (l.take('a', 1).ok) allowed++;
    expect(allowed).toBe(20);
  });
});

describe('operationCost', () => {
  it('uses Armor cost-limit weights (scalar 1, object 2 + 1.5 × selections, × literal first)', () => {
    const doc = parse('query { cases(first: 10) { edges { node { id reference } } } webhookEventTypes }');
    const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
    // node: 2 + 1.5·2 = 5; edges: 2 + 1.5·5 = 9.5; cases: (2 + 1.5·9.5)·10 = 162.5; + 1
    expect(operationCost(doc, op as never)).toBe(163.5);
  });
});

describe('chargeSubscription', () => {
  const agency = actorFromClaims({ sub: 'a', role: 'AGENCY', agencyId: 'agency-1', employerIds: [] });
  const manager = actorFromClaims({ sub: 'm', role: 'MANAGER' });
  const op = (source: string) => {
    const doc = parse(source);
    return [doc, doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as never] as const;
  };

  it('charges an agency opening a subscription, and refuses it over budget with RATE_LIMITED', () => {
    const { l } = limiter(2, 0);
    const [doc, sub] = op('subscription { caseEvents { eventId } }');
    expect(chargeSubscription(l, agency, doc, sub)).toBeNull();
    expect(chargeSubscription(l, agency, doc, sub)).toBeNull();
    const refused = chargeSubscription(l, agency, doc, sub);
    expect(refused?.extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'requests', retryAfterSeconds: 30 });
    expect(refused?.extensions).not.toHaveProperty('http');
    // Staff are not charged; queries over the socket are charged by Apollo's plugin, not here.
    expect(chargeSubscription(l, manager, doc, sub)).toBeNull();
    const [qdoc, query] = op('{ webhookEventTypes }');
    expect(chargeSubscription(l, agency, qdoc, query)).toBeNull();
  });
});
