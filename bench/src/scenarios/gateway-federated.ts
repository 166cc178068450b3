import os from 'node:os';
import { BASELINE_GATEWAY_ENV, startBaselineGateway, type BaselineGateway } from '../lib/baseline-gateway.js';
import { commitOf } from '../lib/bench-stack.js';
import { benchApi, createCases, workingQuery } from '../lib/fixtures.js';
import { runLoad } from '../lib/load.js';
import { processCpuSeconds } from '../lib/machine.js';
import type { ScenarioReport, TargetCheck } from '../lib/results.js';
import { ratio, round } from '../lib/stats.js';
import type { Selection } from '../simulator/api.js';
import { FEDERATED_CASE_SELECTION } from './federated-case.js';
import { checkBy, median, OVERHEAD_QUERY } from './gateway-overhead.js';
import type { Scenario, ScenarioContext } from './scenario.js';

const PRESETS = {
  full: { durationS: 5, connections: 10, rounds: 5, cases: 20 },
  smoke: { amount: 20, connections: 2, rounds: 2, cases: 2 },
};

export const FEDERATED_GATEWAY_TARGET =
  'gateway CPU per federated 20-case request ≤ 0.7× the build before issue 19 (same run, median of 5 alternating rounds)';

interface Measured {
  cpuMs: number | null;
  rps: number;
  p50: number;
  n: number;
  errors: number;
}

/**
 * The gateway's own CPU per federated request — a page of 20 cases and one case by id, each
 * with fields from all three subgraphs — for this build's gateway and, with
 * BENCH_BASELINE_GATEWAY=<a built checkout of an earlier commit>, for that build's gateway
 * started beside it against the same subgraphs: rounds alternate which gateway goes first,
 * CPU is each gateway process's own (/proc), figures are medians over the rounds. The
 * subgraphs' CPU is not reported here (federated-case has it).
 */
export async function runGatewayFederated(
  ctx: ScenarioContext,
  opts: { durationS?: number; amount?: number; connections: number; rounds: number; cases: number } = PRESETS[
    ctx.scale
  ],
): Promise<ScenarioReport> {
  const { sys } = ctx;
  const notes: string[] = [];
  const b = await benchApi(sys);
  try {
    await createCases(b, opts.cases, { stage: 'booked', category: 'B' });
  } catch (err) {
    notes.push(`cases taken only as far as filing (${(err as Error).message})`);
    await createCases(b, opts.cases, { stage: 'filed', category: 'B' });
  }
  const token = await sys.ids.manager();
  const page = await workingQuery(
    b,
    'cases',
    { first: opts.cases },
    [{ edges: [{ node: FEDERATED_CASE_SELECTION }] }] as Selection,
    token,
  );
  const firstId = (
    await sys.gateway.request<{ cases: { edges: { node: { id: string } }[] } }>(
      'query BenchFirstCase { cases(first: 1) { edges { node { id } } } }',
      {},
      token,
    )
  ).cases.edges[0]!.node.id;
  const one = await workingQuery(b, 'case', { id: firstId }, FEDERATED_CASE_SELECTION, token);
  for (const q of [page, one])
    if (q.dropped.length) notes.push(`fields a subgraph refused, left out: ${q.dropped.join(', ')}`);

  const baselineDir = process.env[BASELINE_GATEWAY_ENV];
  let baseline: BaselineGateway | null = null;
  if (baselineDir) {
    baseline = await startBaselineGateway(sys, baselineDir);
    if (!baseline) notes.push(`${BASELINE_GATEWAY_ENV}=${baselineDir} has no built gateway (gateway/dist/main.js)`);
  } else {
    notes.push(`${BASELINE_GATEWAY_ENV} unset: this build's gateway only`);
  }
  const gateways = [{ name: 'new', url: sys.stack.gatewayUrl, pid: sys.stack.pid('gateway')! }];
  if (baseline) gateways.push({ name: 'old', url: baseline.url, pid: baseline.pid });
  const baselineCommit = baseline ? commitOf(baseline.dir) : 'unknown';

  const figures: Record<string, unknown> = { connections: opts.connections, rounds: opts.rounds };
  const targets: TargetCheck[] = [];
  const loads: number[] = [];
  try {
    for (const [label, q] of [
      ['page20', page],
      ['case1', one],
      // For comparison: the one-subgraph query of gateway-overhead (passed through by the new gateway).
      ['counters', { text: OVERHEAD_QUERY, variables: {} }],
    ] as const) {
      const body = JSON.stringify({ query: q.text, variables: q.variables });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      // Both gateways must give the very same answer before anything is timed.
      const answers = await Promise.all(
        gateways.map(async (g) => (await fetch(g.url, { method: 'POST', headers, body })).text()),
      );
      if (answers.some((a) => a !== answers[0]))
        throw new Error(
          `the gateways answered ${label} differently: ${answers.map((a) => a.slice(0, 200)).join(' / ')}`,
        );
      if (answers[0]!.includes('"errors"')) throw new Error(`${label} answered errors: ${answers[0]!.slice(0, 300)}`);
      const run = async (g: (typeof gateways)[number], durationS?: number): Promise<Measured> => {
        const before = processCpuSeconds(g.pid);
        const r = await runLoad({
          url: g.url,
          connections: opts.connections,
          durationS: durationS ?? opts.durationS,
          amount: durationS ? undefined : opts.amount,
          body,
          headers: { authorization: `Bearer ${token}` },
        });
        const after = processCpuSeconds(g.pid);
        return {
          cpuMs:
            before === null || after === null ? null : round(((after - before) * 1000) / Math.max(1, r.requests), 3),
          rps: r.requestsPerSecond,
          p50: r.latency.p50,
          n: r.requests,
          errors: r.errors,
        };
      };
      if (ctx.scale === 'full') for (const g of gateways) await run(g, 2);
      const rounds = new Map(gateways.map((g) => [g.name, [] as Measured[]]));
      for (let i = 0; i < opts.rounds; i++) {
        loads.push(os.loadavg()[0]!);
        ctx.log(`gateway-federated: ${label}, round ${i + 1} of ${opts.rounds}`);
        for (const g of i % 2 === 0 ? gateways : [...gateways].reverse()) rounds.get(g.name)!.push(await run(g));
      }
      const summary: Record<string, unknown> = {};
      for (const [name, rs] of rounds) {
        summary[name] = {
          cpuMsPerRequest: median(rs.map((r) => r.cpuMs)),
          rps: median(rs.map((r) => r.rps)),
          p50: median(rs.map((r) => r.p50)),
          n: rs.reduce((s, r) => s + r.n, 0),
          errors: rs.reduce((s, r) => s + r.errors, 0),
        };
      }
      const news = rounds.get('new')!;
      const olds = rounds.get('old');
      if (olds) {
        const cpuRatios = news.map((r, i) =>
          r.cpuMs !== null && olds[i]!.cpuMs !== null ? ratio(r.cpuMs, olds[i]!.cpuMs!) : null,
        );
        summary.ratio = { cpu: median(cpuRatios), rps: median(news.map((r, i) => ratio(r.rps, olds[i]!.rps))) };
        summary.rounds = { cpu: cpuRatios };
        if (label === 'page20') targets.push(federatedTarget(median(cpuRatios), baselineCommit));
      }
      figures[label] = summary;
    }
  } finally {
    await baseline?.stop();
  }
  if (!baseline) targets.push({ target: FEDERATED_GATEWAY_TARGET, actual: 'no baseline build given', status: 'n/a' });
  figures.load = { min: round(Math.min(...loads)), max: round(Math.max(...loads)) };
  return {
    scenario: 'gateway-federated',
    command: baseline ? `${BASELINE_GATEWAY_ENV}=${baseline.dir} ${ctx.command}` : ctx.command,
    figures,
    targets,
    notes: [
      `gateway process CPU (utime+stime from /proc) ÷ requests; page20 = cases(first: ${opts.cases}) and case1 = case(id), each with fields from all three subgraphs; counters = gateway-overhead's one-subgraph query; ${opts.connections} connections`,
      ...(baseline
        ? [
            `old = the baseline build’s gateway (commit ${baselineCommit}) started with the same environment beside this one; rounds alternate which goes first`,
          ]
        : []),
      ...notes,
    ],
  };
}

/** The build before issue 19: the target compares the gateway with this build's only. */
const PRE_ISSUE_19_COMMIT = 'c63908a';

/** The target's verdict, or n/a (with the ratio) when the old build is another commit. */
function federatedTarget(cpuRatio: number | null, baselineCommit: string): TargetCheck {
  if (baselineCommit.startsWith(PRE_ISSUE_19_COMMIT)) return checkBy(FEDERATED_GATEWAY_TARGET, cpuRatio, 0.7, '×');
  return {
    target: FEDERATED_GATEWAY_TARGET,
    actual: `old build at ${baselineCommit}, not ${PRE_ISSUE_19_COMMIT} (the build before issue 19): new ÷ old ${cpuRatio ?? '?'}×`,
    status: 'n/a',
  };
}

export const gatewayFederated: Scenario = {
  name: 'gateway-federated',
  description: `gateway CPU per federated request (20-case page, case by id), this build vs ${BASELINE_GATEWAY_ENV}'s`,
  run: (ctx) => runGatewayFederated(ctx),
};
