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
  // Label objects made once per value (prom-client keeps the first as the series' labels and never changes it).
  const subgraphLabels = new Map<string, SubgraphLabels>();
  const codeLabels = new Map<number, { code: string }>();
  return {
    registry,
    subgraphCall: (subgraph, outcome, started) => {
      let labels = subgraphLabels.get(subgraph);
      if (!labels) subgraphLabels.set(subgraph, (labels = subgraphLabelsOf(subgraph)));
      calls.inc(labels[outcome]);
      duration.observe(labels.duration, (performance.now() - started) / 1000);
    },
    httpResponse: (status) => {
      let code = codeLabels.get(status);
      if (!code) {
        code = { code: KNOWN_STATUS.has(status) ? String(status) : `${Math.trunc(status / 100)}xx` };
        if (codeLabels.size < 1000) codeLabels.set(status, code);
      }
      responses.inc(code);
    },
    knownOperation: (document, operationName) => safelist().has(memoizedOperationHash(document, operationName)),
  };
}

/** One subgraph's label objects, by outcome, and for its latency. */
type SubgraphLabels = Record<'ok' | 'error' | 'unavailable', { subgraph: string; outcome: string }> & {
  duration: { subgraph: string };
};

function subgraphLabelsOf(subgraph: string): SubgraphLabels {
  return {
    ok: { subgraph, outcome: 'ok' },
    error: { subgraph, outcome: 'error' },
    unavailable: { subgraph, outcome: 'unavailable' },
    duration: { subgraph },
  };
}
