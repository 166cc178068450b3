import { EVENT_APPEND_LOCK, signedConnectionParams } from '@onestop/common';
import { type SlaEventPayload } from '@onestop/common/contract';
import { benchApi, createCases } from '../lib/fixtures.js';
import { cpuDelta, cpuSnapshot } from '../lib/machine.js';
import { check, type ScenarioReport, type TargetCheck } from '../lib/results.js';
import { round, summarize } from '../lib/stats.js';
import { openCrowd } from '../lib/ws-subscribers.js';
import type { Api } from '../simulator/api.js';
import type { BenchSystem } from '../lib/bench-stack.js';
import type { Scenario, ScenarioContext } from './scenario.js';

const PRESETS = {
  full: { subscribers: [1_000, 5_000], events: 50, ratePerS: 5 },
  smoke: { subscribers: [10], events: 5, ratePerS: 10 },
};

interface Stream {
  name: 'counterLoadChanged' | 'slaBreached';
  query: string;
  eventIdOf(data: Record<string, unknown>): string | undefined;
  /** Appends event k; returns its id. */
  append(k: number): Promise<string>;
}

/** Appends one domain event as its subgraph would (in a transaction holding the append lock; the log's trigger notifies). */
async function appendEvent(
  sys: BenchSystem,
  e: { type: string; aggregateId: string; employerId: string | null; counterId: string | null; payload: object },
): Promise<string> {
  const client = await sys.sql.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_APPEND_LOCK]);
    const r = await client.query<{ id: string }>(
      `INSERT INTO platform.event_log (type, source, aggregate_id, employer_id, counter_id, payload, actor_id, occurred_at)
       VALUES ($1, 'counter-scheduling', $2, $3, $4, $5, 'bench', now()) RETURNING id::text AS id`,
      [e.type, e.aggregateId, e.employerId, e.counterId, JSON.stringify(e.payload)],
    );
    await client.query('COMMIT');
    return r.rows[0]!.id;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function subscriptionText(api: Api, field: string, selection: Parameters<Api['selection']>[1]): string | null {
  const info = api.caps.subscription.get(field);
  if (!info) return null;
  return `subscription BenchFanout { ${field} ${api.selection(info.type, selection)} }`;
}

/**
 * Subscription fan-out: N graphql-ws subscribers (one WebSocket each) to `counterLoadChanged`
 * and to a cross-subgraph `slaBreached` selection; events appended to the log at a fixed
 * rate; latency from the append's commit to each client's receipt, matched by event id.
 */
export async function runSubscriptionFanout(
  ctx: ScenarioContext,
  opts: { subscribers: number[]; events: number; ratePerS: number } = PRESETS[ctx.scale],
): Promise<ScenarioReport> {
  const { sys } = ctx;
  const b = await benchApi(sys);
  const manager = await sys.ids.manager();
  const notes: string[] = [
    'events appended to platform.event_log as counter-scheduling appends them; latency = commit → client receipt in the load generator (same process clock)',
  ];
  const targets: TargetCheck[] = [];
  const figures: Record<string, unknown> = { events: opts.events, ratePerS: opts.ratePerS };

  // Through the gateway when it offers subscriptions; otherwise straight to the subgraph (marked).
  const gatewayHasSubs = b.api.caps.subscription.size > 0;
  const subgraphUrl = sys.stack.urls['counter-scheduling'];
  const url = gatewayHasSubs ? sys.stack.gatewayUrl : subgraphUrl;
  const via = gatewayHasSubs ? 'gateway' : 'subgraph-direct';
  figures.via = via;
  if (!gatewayHasSubs)
    notes.push('MEASURED AGAINST THE counter-scheduling SUBGRAPH DIRECTLY: the gateway offers no subscriptions yet');
  const connectionParams = (): Record<string, unknown> =>
    gatewayHasSubs
      ? { authorization: `Bearer ${manager}` }
      : signedConnectionParams(sys.secret('counter-scheduling'), `Bearer ${manager}`, Date.now());

  const [breachCase] = await createCases(b, 1, { stage: 'filed', category: 'B', seed: 5 });
  const counters = b.counters.map((c) => c.id);
  const loadQuery = gatewayHasSubs
    ? subscriptionText(b.api, 'counterLoadChanged', ['counterId', 'waiting', 'eventId'])
    : 'subscription BenchFanout { counterLoadChanged { counterId waiting eventId } }';
  const breachQuery = gatewayHasSubs
    ? subscriptionText(b.api, 'slaBreached', [
        'eventId',
        'kind',
        'threshold',
        { case: ['id', 'reference', 'status', { residencePermit: ['status'] }] },
      ])
    : 'subscription BenchFanout { slaBreached { eventId kind threshold case { id } } }';
  const streams: Stream[] = [];
  if (loadQuery)
    streams.push({
      name: 'counterLoadChanged',
      query: loadQuery,
      eventIdOf: (d) => (d.counterLoadChanged as { eventId?: string } | undefined)?.eventId,
      append: (k) => {
        const counterId = counters[k % counters.length]!;
        return appendEvent(sys, {
          type: 'counter.load-changed',
          aggregateId: counterId,
          employerId: null,
          counterId,
          payload: { counterId, reason: 'bench' },
        });
      },
    });
  if (breachQuery)
    streams.push({
      name: 'slaBreached',
      query: breachQuery,
      eventIdOf: (d) => (d.slaBreached as { eventId?: string } | undefined)?.eventId,
      append: (k) => {
        const now = new Date().toISOString();
        const payload: SlaEventPayload = {
          clockId: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
          caseId: breachCase!.id!,
          kind: 'PRE_EXAMINATION',
          threshold: 100,
          counterId: null,
          category: 'B',
          dueAt: now,
          at: now,
        };
        return appendEvent(sys, {
          type: 'sla.breached',
          aggregateId: breachCase!.id!,
          employerId: breachCase!.plan.employerId,
          counterId: null,
          payload,
        });
      },
    });
  if (!streams.length) notes.push('no subscription fields found');

  for (const stream of streams) {
    for (const n of opts.subscribers) {
      ctx.log(`subscription-fanout: ${n} subscribers to ${stream.name} (${via}) …`);
      const crowd = await openCrowd({
        url,
        count: n,
        query: stream.query,
        connectionParams,
        eventIdOf: stream.eventIdOf,
      });
      const key = `${stream.name}.n${n}`;
      try {
        // Probe events until every subscriber has one: then every subscription is live upstream
        // (events appended before a subscription reached the subgraph are, rightly, not replayed).
        const probes = new Set<string>();
        const probeDeadline = Date.now() + 30_000;
        const hasProbe = (r: { eventId: string }[]): boolean => r.some((x) => probes.has(x.eventId));
        while (Date.now() < probeDeadline && (probes.size === 0 || crowd.receipts.some((r) => !hasProbe(r)))) {
          probes.add(await stream.append(999_000 + probes.size));
          const wait = Date.now() + 500;
          while (Date.now() < wait && crowd.receipts.some((r) => !hasProbe(r)))
            await new Promise((r) => setTimeout(r, 25));
        }
        const live = crowd.receipts.filter(hasProbe).length;
        const before = cpuSnapshot();
        const sent = new Map<string, number>();
        const gap = 1000 / opts.ratePerS;
        const t0 = performance.now();
        for (let k = 0; k < opts.events; k++) {
          const due = t0 + k * gap;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const id = await stream.append(k);
          sent.set(id, performance.now());
        }
        // Let the last pushes arrive (bounded).
        const expected = n * opts.events;
        const countDelivered = (): number =>
          crowd.receipts.reduce((s, r) => s + r.filter((x) => sent.has(x.eventId)).length, 0);
        const drainDeadline = Date.now() + 15_000;
        while (Date.now() < drainDeadline && countDelivered() < expected) await new Promise((r) => setTimeout(r, 100));
        const cpu = cpuDelta(before, cpuSnapshot());
        const latencies: number[] = [];
        for (const r of crowd.receipts)
          for (const x of r) if (sent.has(x.eventId)) latencies.push(x.at - sent.get(x.eventId)!);
        const s = summarize(latencies);
        const delivered = latencies.length;
        figures[key] = {
          live: `${live}/${n}`,
          p50: s.p50,
          p99: s.p99,
          max: s.max,
          delivered,
          expected,
          errors: crowd.errors.length,
          cpuS: { stack: cpu.total, gateway: round(cpu.byRole.gateway ?? 0, 2), loadGenerator: cpu.loadGenerator },
        };
        if (crowd.errors.length) notes.push(`${key}: ${crowd.errors[0]}`);
        const limit = n >= 5_000 ? 250 : n >= 1_000 ? 100 : null;
        if (limit !== null) {
          const c = check(
            `${stream.name} p99 ≤ ${limit} ms at ${n} subscribers, nothing lost (${via})`,
            s.p99,
            limit,
            ' ms',
          );
          if (c.status === 'met' && delivered < expected) c.status = 'missed';
          c.actual += `, ${delivered}/${expected} delivered`;
          targets.push(c);
        }
      } finally {
        await crowd.close();
      }
    }
  }
  return { scenario: 'subscription-fanout', command: ctx.command, figures, targets, notes };
}

export const subscriptionFanout: Scenario = {
  name: 'subscription-fanout',
  description:
    '1,000 and 5,000 graphql-ws subscribers to counterLoadChanged and slaBreached: latency p50/p99/max, delivered/expected',
  run: (ctx) => runSubscriptionFanout(ctx),
};
