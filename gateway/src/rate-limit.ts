import type { ApolloServerPlugin } from '@apollo/server';
import { RateLimitedError } from '@onestop/common';
import type { DocumentNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { BoundedCache } from './bounded-cache.js';
import type { GatewayContext } from './context.js';
import { graphql } from './graphql.js';

const { Kind } = graphql;

/** Per-agency budgets (decision 0011). Zero turns a budget off. */
export interface AgencyLimits {
  /** Requests per minute per agency, across the deployment. */
  requestsPerMinute: number;
  /** Operation cost per minute per agency (the GATEWAY_MAX_COST measure), across the deployment. */
  costPerMinute: number;
  /**
   * Gateway instances behind the load balancer: each enforces 1/N of every budget (per-instance
   * share, decision 0011), so the deployment never grants an agency more than its budget.
   */
  instances: number;
}

/** Agencies remembered (idle buckets are full anyway: forgetting one grants nothing it would not have). */
const MAX_TRACKED_AGENCIES = 50_000;

interface Bucket {
  requests: number;
  cost: number;
  at: number;
}

/** Why a request was refused, and when to try again. */
export interface RateVerdict {
  ok: boolean;
  /** Whole seconds until the budget that refused it has refilled enough. */
  retryAfterSeconds: number;
  budget?: 'requests' | 'cost';
}

/**
 * Two token buckets per agency, requests and cost: each holds one minute of its budget (this
 * instance's share) and refills continuously. A request takes 1 from the first and its cost
 * from the second, or, if either is short, takes nothing and is refused with the time until it
 * would fit. Staff and anonymous callers are not limited here (they are not API clients).
 */
export class AgencyRateLimiter {
  private readonly buckets = new BoundedCache<string, Bucket>(MAX_TRACKED_AGENCIES);
  private readonly requestRate: number;
  private readonly costRate: number;

  constructor(
    private readonly limits: AgencyLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.requestRate = limits.requestsPerMinute / limits.instances / 60_000;
    this.costRate = limits.costPerMinute / limits.instances / 60_000;
  }

  get enabled(): boolean {
    return this.limits.requestsPerMinute > 0 || this.limits.costPerMinute > 0;
  }

  take(agencyId: string, cost: number): RateVerdict {
    const now = this.now();
    const requestCap = this.requestRate * 60_000;
    const costCap = this.costRate * 60_000;
    let b = this.buckets.get(agencyId);
    if (!b) {
      b = { requests: requestCap, cost: costCap, at: now };
      this.buckets.set(agencyId, b);
    }
    const elapsed = now - b.at;
    b.requests = Math.min(requestCap, b.requests + elapsed * this.requestRate);
    b.cost = Math.min(costCap, b.cost + elapsed * this.costRate);
    b.at = now;
    if (this.limits.requestsPerMinute > 0 && b.requests < 1) {
      return {
        ok: false,
        budget: 'requests',
        retryAfterSeconds: Math.ceil((1 - b.requests) / this.requestRate / 1000),
      };
    }
    // An operation dearer than a whole minute's share can never fit: it waits for a full bucket.
    const need = Math.min(cost, costCap);
    if (this.limits.costPerMinute > 0 && b.cost < need) {
      return { ok: false, budget: 'cost', retryAfterSeconds: Math.ceil((need - b.cost) / this.costRate / 1000) };
    }
    if (this.limits.requestsPerMinute > 0) b.requests -= 1;
    if (this.limits.costPerMinute > 0) b.cost -= need;
    return { ok: true, retryAfterSeconds: 0 };
  }
}

/** The RATE_LIMITED error: HTTP 429 with `Retry-After`. */
export function rateLimitedError(v: RateVerdict): RateLimitedError {
  const what = v.budget === 'cost' ? 'query cost budget' : 'request budget';
  return new RateLimitedError(
    `Your agency is over its ${what}; retry after ${v.retryAfterSeconds} s (see docs/partners.md, Limits).`,
    v.retryAfterSeconds,
    v.budget ?? 'requests',
  );
}

/** Charges every AGENCY operation to its agency before it runs (after parsing and validation). */
export function agencyRateLimitPlugin(limiter: AgencyRateLimiter): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const agencyId = contextValue.actor?.role === 'AGENCY' ? contextValue.actor.agencyId : null;
      // A request the fast path charged and then handed to Apollo (fast-path.ts) is charged once.
      if (!agencyId || contextValue.charged) return;
      return {
        async didResolveOperation({ document, operation }) {
          const verdict = limiter.take(agencyId, operation ? operationCost(document, operation) : 1);
          if (!verdict.ok) throw rateLimitedError(verdict);
        },
      };
    },
  };
}

/**
 * Charges a subscription an agency opens over the WebSocket (queries and mutations there go
 * through Apollo and its plugin). Returns the error to answer, or null. Events pushed later are
 * not charged: the agency asked for them once.
 */
export function chargeSubscription(
  limiter: AgencyRateLimiter | undefined,
  actor: GatewayContext['actor'],
  document: DocumentNode,
  operation: OperationDefinitionNode,
): RateLimitedError | null {
  if (!limiter?.enabled || operation.operation !== 'subscription' || actor?.role !== 'AGENCY' || !actor.agencyId)
    return null;
  const verdict = limiter.take(actor.agencyId, operationCost(document, operation));
  if (verdict.ok) return null;
  const err = rateLimitedError(verdict);
  // No HTTP response to shape on a socket: the client gets code, budget and retryAfterSeconds.
  delete (err.extensions as Record<string, unknown>).http;
  return err;
}

const costs = new WeakMap<OperationDefinitionNode, number>();

/**
 * The cost of an operation, with GraphQL Armor's cost-limit weights (GATEWAY_MAX_COST): a
 * scalar field 1, an object field 2 plus 1.5 × its selections, times a literal `first`/`last`.
 */
export function operationCost(document: DocumentNode, operation: OperationDefinitionNode): number {
  const known = costs.get(operation);
  if (known !== undefined) return known;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const seen = new Set<string>();
  const ofSet = (set: SelectionSetNode): number => {
    let sum = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (!s.selectionSet) {
          sum += 1;
          continue;
        }
        let multiplier = 1;
        for (const a of s.arguments ?? [])
          if ((a.name.value === 'first' || a.name.value === 'last') && a.value.kind === Kind.INT)
            multiplier = Math.max(parseInt(a.value.value, 10) || 1, 1);
        sum += (2 + 1.5 * ofSet(s.selectionSet)) * multiplier;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        sum += ofSet(s.selectionSet);
      } else {
        const f = fragments.get(s.name.value);
        if (f && !seen.has(f.name.value)) {
          seen.add(f.name.value);
          sum += ofSet(f.selectionSet);
          seen.delete(f.name.value);
        }
      }
    }
    return sum;
  };
  const cost = ofSet(operation.selectionSet);
  costs.set(operation, cost);
  return cost;
}
