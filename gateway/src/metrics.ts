import { LATENCY_BUCKETS, ProcessMetrics, type KnownOperation } from '@onestop/common';
import type { SubgraphCallObserver } from './data-source.js';
import { memoizedOperationHash, type Safelist } from './safelist.js';

/** Statuses the gateway answers on purpose; any other is counted by its class (`5xx`). */
const KNOWN_STATUS = new Set([200, 400, 401, 403, 404, 405, 413, 415, 429, 500, 502, 503, 504]);

/** The gateway's Prometheus families, beside the per-operation ones every process has. */
export interface GatewayMetrics {
  registry: ProcessMetrics;
  /** Records one subgraph call (for the data sources). */
  subgraphCall: SubgraphCallObserver;
  /** Records the HTTP status of one answered `/graphql` request, those refused before GraphQL (401, 413, …) included. */
  httpResponse(status: number): void;
  /** A safelisted operation keeps its name as its label; others are labelled by their root field. */
  knownOperation: KnownOperation;
}

/**
 * Creates the gateway's registry: subgraph calls by subgraph and outcome with their latency,
 * and (read at scrape time) live subscriptions and the upstream subscriptions they share.
 */
export function createGatewayMetrics(
  safelist: () => Safelist,
  subscriptions: () => { upstreams: number; subscribers: number },
  registry = new ProcessMetrics('gateway'),
): GatewayMetrics {
  const calls = registry.counter({
    name: 'onestop_subgraph_requests_total',
    help: 'Requests the gateway sent to a subgraph, by subgraph and outcome (ok, error: GraphQL errors in the answer, unavailable: no usable answer).',
    labelNames: ['subgraph', 'outcome'],
  });
  const duration = registry.histogram({
    name: 'onestop_subgraph_request_duration_seconds',
    help: 'Latency of the gateway’s requests to a subgraph, by subgraph.',
    labelNames: ['subgraph'],
    buckets: LATENCY_BUCKETS,
  });
  const responses = registry.counter({
    name: 'onestop_gateway_http_responses_total',
    help: 'HTTP responses of the gateway’s /graphql endpoint, by status (refusals before GraphQL included).',
    labelNames: ['code'],
  });
  registry.gauge({
    name: 'onestop_gateway_subscriptions',
    help: 'Live client subscriptions on this gateway.',
    collect() {
      this.set(subscriptions().subscribers);
    },
  });
  registry.gauge({
    name: 'onestop_gateway_upstream_subscriptions',
    help: 'Subscriptions this gateway holds open to subgraphs; each is shared by the client subscriptions of one scope.',
    collect() {
      this.set(subscriptions().upstreams);
    },
  });
  return {
    registry,
    subgraphCall: (subgraph, outcome, started) => {
      calls.inc({ subgraph, outcome });
      duration.observe({ subgraph }, (performance.now() - started) / 1000);
    },
    httpResponse: (status) =>
      responses.inc({ code: KNOWN_STATUS.has(status) ? String(status) : `${Math.trunc(status / 100)}xx` }),
    knownOperation: (document, operationName) => safelist().has(memoizedOperationHash(document, operationName)),
  };
}
