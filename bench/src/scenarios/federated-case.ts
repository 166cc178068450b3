import { runLoad } from '../lib/load.js';
import { cpuDelta, cpuSnapshot } from '../lib/machine.js';
import type { ScenarioReport } from '../lib/results.js';
import { round } from '../lib/stats.js';
import { benchApi, createCases, workingQuery } from '../lib/fixtures.js';
import type { Selection } from '../simulator/api.js';
import type { Scenario, ScenarioContext } from './scenario.js';

/** The case page's cross-subgraph selection: what exists of it is asked for. */
export const FEDERATED_CASE_SELECTION: Selection = [
  'id',
  'reference',
  'status',
  'category',
  { residencePermit: ['id', 'status'] },
  { sla: ['kind', 'dueAt', 'state'] },
  { appointment: ['id', 'letterNumber', 'slotStart', 'status', { counter: ['id', 'name'] }] },
];

const PRESETS = {
  full: { durationS: 15, connections: 10 },
  smoke: { amount: 20, connections: 2 },
};

/** Federated case query touching all three subgraphs: requests/s, p50/p99 and CPU seconds per request. */
export async function runFederatedCase(
  ctx: ScenarioContext,
  opts: { durationS?: number; amount?: number; connections: number } = PRESETS[ctx.scale],
): Promise<ScenarioReport> {
  const { sys } = ctx;
  const b = await benchApi(sys);
  const notes: string[] = [];
  let stage: 'booked' | 'filed' = 'booked';
  let cases;
  try {
    cases = await createCases(b, 1, { stage: 'booked', category: 'B' });
  } catch (err) {
    notes.push(`case taken only as far as filing (${(err as Error).message})`);
    stage = 'filed';
    cases = await createCases(b, 1, { stage: 'filed', category: 'B' });
  }
  const caseId = cases[0]!.id!;
  const token = await sys.ids.manager();
  const { text, variables, dropped } = await workingQuery(b, 'case', { id: caseId }, FEDERATED_CASE_SELECTION, token);
  if (dropped.length) notes.push(`fields in the supergraph that a subgraph refused, left out: ${dropped.join(', ')}`);
  const sample = await sys.gateway.request<{ case: Record<string, unknown> }>(text, variables, token);
  const subgraphsTouched = [
    'work-permit',
    ...(['residencePermit'].some((f) => f in sample.case) ? ['residence-permit'] : []),
    ...(['sla', 'appointment'].some((f) => f in sample.case) ? ['counter-scheduling'] : []),
  ];
  if (subgraphsTouched.length < 3)
    notes.push(`the selection reaches only ${subgraphsTouched.join(', ')} (fields missing from the supergraph)`);
  const before = cpuSnapshot();
  const r = await runLoad({
    url: sys.stack.gatewayUrl,
    connections: opts.connections,
    durationS: opts.durationS,
    amount: opts.amount,
    body: JSON.stringify({ query: text, variables }),
    headers: { authorization: `Bearer ${token}` },
  });
  const cpu = cpuDelta(before, cpuSnapshot());
  const perReq = (s: number): number => round((s / Math.max(1, r.requests)) * 1000, 3);
  return {
    scenario: 'federated-case',
    command: ctx.command,
    figures: {
      query: text.replace(/\s+/g, ' ').slice(0, 160),
      stage,
      subgraphs: subgraphsTouched.length,
      connections: r.connections,
      requests: r.requests,
      rps: r.requestsPerSecond,
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors,
      cpuMsPerRequest: cpu.available
        ? {
            stack: perReq(cpu.total),
            ...Object.fromEntries(Object.entries(cpu.byRole).map(([k, v]) => [k, perReq(v)])),
            loadGenerator: perReq(cpu.loadGenerator),
          }
        : 'unavailable (no /proc)',
    },
    targets: [],
    notes: [
      'CPU per request = process CPU (utime+stime from /proc) of the gateway, subgraphs and PostgreSQL over the run ÷ requests; the load generator is counted apart',
      ...notes,
    ],
  };
}

export const federatedCase: Scenario = {
  name: 'federated-case',
  description: 'case(id) with fields from all three subgraphs through the gateway: rps, p50/p99, CPU per request',
  run: (ctx) => runFederatedCase(ctx),
};
