import { signRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@onestop/common';
import { GraphQLRequestError } from '../lib/graphql-client.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { check, type ScenarioReport } from '../lib/results.js';
import { ratio } from '../lib/stats.js';
import { cpuDelta, cpuSnapshot } from '../lib/machine.js';
import type { Scenario, ScenarioContext } from './scenario.js';

/** The single-subgraph query both paths answer: counter-scheduling's counters. */
export const OVERHEAD_QUERY = 'query BenchCounters { serviceCounters { id name district } }';

export interface GatewayOverheadOptions {
  durationS?: number;
  amount?: number;
  connections: number[];
}

const PRESETS = {
  full: { durationS: 10, connections: [1, 50] },
  smoke: { amount: 20, connections: [1, 5] },
} satisfies Record<string, GatewayOverheadOptions>;

/**
 * Gateway overhead: the same counter-scheduling query sent to the subgraph directly (signed
 * per request as the gateway signs it) and through the gateway, at each connection count;
 * figures as ratios gateway/direct from one run.
 */
export async function runGatewayOverhead(
  ctx: ScenarioContext,
  opts: GatewayOverheadOptions = PRESETS[ctx.scale],
): Promise<ScenarioReport> {
  const { sys } = ctx;
  const token = await sys.ids.manager();
  const authorization = `Bearer ${token}`;
  const body = JSON.stringify({ query: OVERHEAD_QUERY, variables: {} });
  const directUrl = sys.stack.urls['counter-scheduling'];
  const secret = sys.secret('counter-scheduling');
  const path = new URL(directUrl).pathname;
  const sign = (b: string): Record<string, string> => {
    const timestamp = String(Date.now());
    return {
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signRequest(secret, { method: 'POST', path, body: b, authorization, timestamp }),
    };
  };

  // Both paths must answer the same data before anything is timed.
  const viaGateway = await sys.gateway.request<{ serviceCounters: unknown[] }>(OVERHEAD_QUERY, {}, token);
  const directRes = await fetch(directUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, ...sign(body) },
    body,
  });
  const direct = (await directRes.json()) as { data?: { serviceCounters: unknown[] }; errors?: unknown[] };
  if (!direct.data || direct.errors)
    throw new GraphQLRequestError(
      'BenchCounters (direct)',
      [{ message: JSON.stringify(direct.errors ?? direct) }],
      directRes.status,
    );
  if (JSON.stringify(direct.data.serviceCounters) !== JSON.stringify(viaGateway.serviceCounters)) {
    throw new GraphQLRequestError(
      'BenchCounters',
      [{ message: 'the subgraph and the gateway answered different data' }],
      200,
    );
  }

  const figures: Record<string, unknown> = { counters: viaGateway.serviceCounters.length };
  const targets = [];
  const cpu = cpuSnapshot();
  for (const connections of opts.connections) {
    const common = { connections, durationS: opts.durationS, amount: opts.amount, body };
    // Short warm-up of both paths (JIT, connection pools, query plan cache).
    if (ctx.scale === 'full') {
      await runLoad({ ...common, durationS: 2, amount: undefined, url: directUrl, headers: { authorization }, sign });
      await runLoad({
        ...common,
        durationS: 2,
        amount: undefined,
        url: sys.stack.gatewayUrl,
        headers: { authorization },
      });
    }
    ctx.log(`gateway-overhead: ${connections} connection(s), direct`);
    const c0 = cpuSnapshot();
    const d: LoadResult = await runLoad({ ...common, url: directUrl, headers: { authorization }, sign });
    const c1 = cpuSnapshot();
    ctx.log(`gateway-overhead: ${connections} connection(s), through the gateway`);
    const g: LoadResult = await runLoad({ ...common, url: sys.stack.gatewayUrl, headers: { authorization } });
    const c2 = cpuSnapshot();
    // CPU milliseconds per request, by process: where the gateway's extra time goes.
    const perReq = (a: typeof c0, b: typeof c0, n: number): Record<string, number> => {
      const delta = cpuDelta(a, b);
      const ms = (v: number): number => Math.round((v / Math.max(1, n)) * 100_000) / 100;
      return {
        gateway: ms(delta.byRole.gateway ?? 0),
        subgraph: ms(delta.byRole['counter-scheduling'] ?? 0),
        loadGenerator: ms(delta.loadGenerator),
      };
    };
    figures[`c${connections}`] = {
      direct: {
        rps: d.requestsPerSecond,
        p50: d.latency.p50,
        p99: d.latency.p99,
        n: d.requests,
        errors: d.errors,
        cpuMs: perReq(c0, c1, d.requests),
      },
      gateway: {
        rps: g.requestsPerSecond,
        p50: g.latency.p50,
        p99: g.latency.p99,
        n: g.requests,
        errors: g.errors,
        cpuMs: perReq(c1, c2, g.requests),
      },
      ratio: {
        p50: ratio(g.latency.p50, d.latency.p50),
        p99: ratio(g.latency.p99, d.latency.p99),
        rps: ratio(g.requestsPerSecond, d.requestsPerSecond),
      },
    };
    if (connections === 1)
      targets.push(check('gateway p50 ≤ 1.3× direct at 1 connection', ratio(g.latency.p50, d.latency.p50), 1.3, '×'));
    if (connections === 50)
      targets.push(
        check(
          'gateway throughput ≥ 0.5× direct at 50 connections',
          ratio(g.requestsPerSecond, d.requestsPerSecond),
          0.5,
          '×',
          true,
        ),
      );
  }
  const used = cpuDelta(cpu, cpuSnapshot());
  figures.cpuS = { stack: used.total, loadGenerator: used.loadGenerator };
  return {
    scenario: 'gateway-overhead',
    command: ctx.command,
    figures,
    targets,
    notes: [
      'load generator shares the 2 cores with the stack; direct requests are HMAC-signed per request by the load generator',
    ],
  };
}

export const gatewayOverhead: Scenario = {
  name: 'gateway-overhead',
  description: 'serviceCounters direct to counter-scheduling vs through the gateway, 1 and 50 connections',
  run: (ctx) => runGatewayOverhead(ctx),
};
