import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_APPEND_LOCK } from '@onestop/common';
import { DEMO_EMPLOYERS } from '@onestop/common/testing';
import { cpuDelta, cpuSnapshot } from '../lib/machine.js';
import type { ScenarioReport } from '../lib/results.js';
import { round, summarize } from '../lib/stats.js';
import type { Scenario, ScenarioContext } from './scenario.js';

const PRESETS = {
  full: { endpoints: 1000, perAgency: 20, burstEvents: 20, pacedEvents: 10, pacedIntervalMs: 10_000 },
  smoke: { endpoints: 6, perAgency: 3, burstEvents: 2, pacedEvents: 2, pacedIntervalMs: 200 },
};
type Options = (typeof PRESETS)['full'];

/**
 * Partner webhooks (issue 15): N endpoints (agencies of 20 endpoints each, all entrusted by one
 * employer, each agency's endpoints on its own loopback receiver) receive every case event of
 * that employer. Burst: E events appended at once (E × N deliveries), throughput = deliveries ÷
 * time from the first commit to the last receipt. Paced: one event every few seconds, latency =
 * the event's commit (returned to this process) → each receipt (same process clock).
 */
export async function runWebhookDelivery(
  ctx: ScenarioContext,
  opts: Options = PRESETS[ctx.scale],
): Promise<ScenarioReport> {
  const { sys } = ctx;
  const employerId = DEMO_EMPLOYERS[0].id;
  const manager = await sys.ids.manager();
  const agencies = Math.ceil(opts.endpoints / opts.perAgency);
  const receipts = new Map<string, number[]>(); // eventId → receipt times
  let received = 0;
  const servers: Server[] = [];
  ctx.log(`webhook-delivery: ${agencies} agencies × ${opts.perAgency} endpoints on ${agencies} loopback receivers …`);
  const run = randomUUID().slice(0, 8);
  for (let a = 0; a < agencies; a++) {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const at = Date.now();
        const eventId = (JSON.parse(body) as { data: { eventId: string } }).data.eventId;
        let list = receipts.get(eventId);
        if (!list) receipts.set(eventId, (list = []));
        list.push(at);
        received++;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const agency = await sys.gateway.request<{ registerAgency: { id: string } }>(
      'mutation BenchAgency($i: RegisterAgencyInput!) { registerAgency(input: $i) { id } }',
      { i: { name: `Webhook bench agency ${run}-${a}`, employerIds: [employerId] } },
      manager,
    );
    const token = await sys.ids.token('AGENCY', {
      agencyId: agency.registerAgency.id,
      employerIds: [employerId],
      sub: `bench-agency-${run}-${a}`,
    });
    const n = Math.min(opts.perAgency, opts.endpoints - a * opts.perAgency);
    for (let e = 0; e < n; e++) {
      await sys.gateway.request(
        'mutation BenchEndpoint($i: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $i) { id } }',
        { i: { url: `http://127.0.0.1:${port}/hook-${e}`, eventTypes: ['case.returned'] } },
        token,
      );
    }
  }
  const commits = new Map<string, number>();
  const append = async (): Promise<void> => {
    const client = await sys.sql.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_APPEND_LOCK]);
      const caseId = randomUUID();
      const r = await client.query<{ id: string }>(
        `INSERT INTO platform.event_log (type, source, aggregate_id, employer_id, payload, actor_id, occurred_at)
         VALUES ('case.returned', 'work-permit', $1, $2, $3, 'bench', now()) RETURNING id::text`,
        [
          caseId,
          employerId,
          JSON.stringify({ caseId, items: [{ field: 'applicant.photo', problem: 'bench' }], returnedAt: new Date() }),
        ],
      );
      await client.query('COMMIT');
      commits.set(r.rows[0]!.id, Date.now());
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  };
  const waitAll = async (expected: number, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };

  try {
    // Burst.
    ctx.log(
      `webhook-delivery: burst of ${opts.burstEvents} events → ${opts.burstEvents * opts.endpoints} deliveries …`,
    );
    const cpuBefore = cpuSnapshot();
    const burstStart = Date.now();
    for (let i = 0; i < opts.burstEvents; i++) await append();
    const burstExpected = opts.burstEvents * opts.endpoints;
    await waitAll(burstExpected, 600_000);
    const lastReceipt = Math.max(...[...receipts.values()].flat());
    const burstMs = lastReceipt - burstStart;
    const cpu = cpuDelta(cpuBefore, cpuSnapshot());
    const burstReceived = received;
    const burstLatency = summarize([...commits].flatMap(([id, at]) => (receipts.get(id) ?? []).map((r) => r - at)));
    // Paced.
    ctx.log(`webhook-delivery: ${opts.pacedEvents} events, one every ${opts.pacedIntervalMs} ms …`);
    commits.clear();
    receipts.clear();
    received = 0;
    for (let i = 0; i < opts.pacedEvents; i++) {
      await append();
      await new Promise((r) => setTimeout(r, opts.pacedIntervalMs));
    }
    const pacedExpected = opts.pacedEvents * opts.endpoints;
    await waitAll(pacedExpected, 300_000);
    const paced = summarize([...commits].flatMap(([id, at]) => (receipts.get(id) ?? []).map((r) => r - at)));
    const deliveredOnce = (
      await sys.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM wp.webhook_delivery WHERE status = 'SUCCEEDED' AND attempts = 1`,
      )
    ).rows[0]!.n;
    const throughput = round(burstReceived / (burstMs / 1000), 1);
    return {
      scenario: 'webhook-delivery',
      command: ctx.command,
      figures: {
        endpoints: opts.endpoints,
        agencies,
        receivers: agencies,
        concurrency: 'WEBHOOK_CONCURRENCY default (32), one work-permit instance',
        burst: {
          events: opts.burstEvents,
          expected: burstExpected,
          received: burstReceived,
          seconds: round(burstMs / 1000, 1),
          deliveriesPerS: throughput,
          commitToDelivery: burstLatency,
          cpuS: { workPermit: round(cpu.byRole['work-permit'] ?? 0), postgres: round(cpu.byRole.postgres ?? 0) },
        },
        paced: {
          events: opts.pacedEvents,
          intervalMs: opts.pacedIntervalMs,
          offeredPerS: round(opts.endpoints / (opts.pacedIntervalMs / 1000), 1),
          expected: pacedExpected,
          received,
          commitToDelivery: paced,
        },
        succeededFirstAttempt: deliveredOnce,
      },
      targets: [
        {
          target: 'every delivery received, none twice (burst and paced)',
          actual: `${burstReceived}/${burstExpected}, ${received}/${pacedExpected}`,
          status: burstReceived === burstExpected && received === pacedExpected ? 'met' : 'missed',
        },
      ],
      notes: [
        'events appended to platform.event_log as work-permit appends them; receivers are HTTP servers in the load generator on 127.0.0.1, answering 204 at once; latency = commit → receipt on the same process clock; the whole stack, PostgreSQL and the receivers share the 2 cores',
      ],
    };
  } finally {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

export const webhookDelivery: Scenario = {
  name: 'webhook-delivery',
  description: 'partner webhooks: throughput and commit → delivery latency with 1,000 endpoints',
  run: (ctx) => runWebhookDelivery(ctx),
};
