import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBenchSystem, type BenchSystem } from '../lib/bench-stack.js';
import type { ScenarioReport } from '../lib/results.js';
import { CitySimulator } from '../simulator/city-simulator.js';
import { DEFAULT_SIMULATOR_CONFIG } from '../simulator/config.js';
import { runBookingContention } from './booking-contention.js';
import { runDataScale } from './data-scale.js';
import { runFederatedCase } from './federated-case.js';
import { BASELINE_GATEWAY_ENV } from '../lib/baseline-gateway.js';
import { FEDERATED_GATEWAY_TARGET, runGatewayFederated } from './gateway-federated.js';
import { OVERHEAD_TARGETS, runGatewayOverhead } from './gateway-overhead.js';
import { haproxyAvailable } from '../lib/reference-hops.js';
import { cpuSnapshot } from '../lib/machine.js';
import type { ScenarioContext } from './scenario.js';
import { runSlaSweep } from './sla-sweep.js';
import { runSubscriptionFanout } from './subscription-fanout.js';
import { runWebhookDelivery } from './webhook-delivery.js';

/**
 * Smoke test of every benchmark scenario and of the simulator at tiny scale against the real
 * stack: outputs are well-formed and counts are right. Never timing assertions.
 */
describe('benchmark scenarios and the simulator at tiny scale', () => {
  let sys: BenchSystem;
  let ctx: ScenarioContext;

  beforeAll(async () => {
    sys = await startBenchSystem();
    ctx = { sys, scale: 'smoke', command: 'spec', log: () => undefined };
  });

  afterAll(async () => {
    await sys?.stop();
  });

  const wellFormed = (r: ScenarioReport, scenario: string): void => {
    expect(r.scenario).toBe(scenario);
    expect(r.command).toBe('spec');
    expect(() => JSON.stringify(r)).not.toThrow();
    for (const t of r.targets) expect(['met', 'missed', 'n/a']).toContain(t.status);
  };

  it('gateway-overhead: both paths answer every request, ratios are reported', { timeout: 120_000 }, async () => {
    const r = await runGatewayOverhead(ctx, { amount: 20, connections: [1, 3], rounds: 2 });
    wellFormed(r, 'gateway-overhead');
    expect(r.figures.counters).toBe(15);
    for (const c of ['c1', 'c3']) {
      const f = r.figures[c] as {
        direct: { n: number; errors: number };
        gateway: { n: number; errors: number };
        ratio: { p50: number | null };
      };
      // Two rounds of 20 requests on each path.
      expect(f.direct).toMatchObject({ n: 40, errors: 0 });
      expect(f.gateway).toMatchObject({ n: 40, errors: 0 });
      expect(typeof f.ratio.p50).toBe('number');
      expect(f).not.toHaveProperty('bareProxy');
    }
    expect(r.targets.map((t) => t.target)).toEqual([OVERHEAD_TARGETS.p50]);
  });

  it(
    'gateway-overhead --floor: the reference hops forward the same signed request and get the same answers',
    { timeout: 120_000 },
    async () => {
      const r = await runGatewayOverhead(ctx, { amount: 20, connections: [1], rounds: 2, floor: true });
      const f = r.figures.c1 as Record<string, { n: number; errors: number }> & {
        ratio: Record<string, { p50: number | null }>;
      };
      // The bare Node proxy always runs; HAProxy only where it is installed (CI does not install it).
      const hops = haproxyAvailable() ? ['bareProxy', 'haproxy'] : ['bareProxy'];
      for (const hop of hops) {
        expect(f[hop]).toMatchObject({ n: 40, errors: 0 });
        expect(typeof f.ratio[hop]!.p50).toBe('number');
      }
      if (!haproxyAvailable()) expect(f).not.toHaveProperty('haproxy');
      expect(r.targets[0]!.actual).toContain('in the same rounds a bare Node proxy');
      // RESULTS.md's summary reads the figure back only without parentheses in it.
      expect(r.targets[0]!.actual).not.toMatch(/[()]/);
      expect(r.notes.join(' ')).toContain('--floor');
      // The hops are stopped with the scenario: no such process is left among the benchmark's children.
      const left = cpuSnapshot().byRole;
      expect(left).not.toHaveProperty('bareProxy');
      expect(left).not.toHaveProperty('haproxy');
    },
  );

  it(
    'gateway-federated: the 20-case page and the case answer every request; without a baseline build the target is n/a',
    { timeout: 180_000 },
    async () => {
      const saved = process.env[BASELINE_GATEWAY_ENV];
      delete process.env[BASELINE_GATEWAY_ENV];
      try {
        const r = await runGatewayFederated(ctx, { amount: 20, connections: 2, rounds: 2, cases: 2 });
        wellFormed(r, 'gateway-federated');
        for (const q of ['page20', 'case1', 'counters']) {
          const f = r.figures[q] as { new: { n: number; errors: number; cpuMsPerRequest: number | null } };
          expect(f.new).toMatchObject({ n: 40, errors: 0 });
          expect(f.new.cpuMsPerRequest).toBeGreaterThan(0);
        }
        expect(r.targets).toEqual([expect.objectContaining({ target: FEDERATED_GATEWAY_TARGET, status: 'n/a' })]);
      } finally {
        if (saved !== undefined) process.env[BASELINE_GATEWAY_ENV] = saved;
      }
    },
  );

  it(
    'federated-case: the case query reaches all three subgraphs and every request succeeds',
    { timeout: 120_000 },
    async () => {
      const r = await runFederatedCase(ctx, {
        amount: 20,
        connections: 2,
        listAmount: 5,
        listConnections: 1,
        directAmount: 5,
      });
      wellFormed(r, 'federated-case');
      expect(r.figures).toMatchObject({ subgraphs: 3, requests: 20, errors: 0, stage: 'booked' });
      expect((r.figures.cpuMsPerRequest as Record<string, number>).stack).toBeGreaterThan(0);
      // The page of 20 cases, each with all three subgraphs' fields.
      expect(r.figures.cases20).toMatchObject({ casesPerPage: 20, requests: 5, errors: 0 });
      // Direct _entities calls to each subgraph for the 20 cases, with and without the fields.
      for (const name of ['work-permit', 'residence-permit', 'counter-scheduling']) {
        expect((r.figures.perField as Record<string, unknown>)[name]).toMatchObject({ entities: 20, errors: 0 });
      }
      expect(r.targets.map((t) => t.target)).toEqual([
        'federated case query stack CPU per request ≤ half of 2026-11-27 (10.761 ms)',
      ]);
    },
  );

  it('subscription-fanout: every subscriber gets every event, through the gateway', { timeout: 180_000 }, async () => {
    const r = await runSubscriptionFanout(ctx, { subscribers: [10], events: 4, ratePerS: 10 });
    wellFormed(r, 'subscription-fanout');
    expect(r.figures.via).toBe('gateway');
    for (const k of ['counterLoadChanged.n10', 'slaBreached.n10']) {
      expect(r.figures[k]).toMatchObject({ live: '10/10', delivered: 40, expected: 40, errors: 0 });
    }
  });

  it('booking-contention: exactly the slot capacity is booked, the rest refused', { timeout: 180_000 }, async () => {
    const r = await runBookingContention(ctx, { bookings: 12, places: 3 });
    wellFormed(r, 'booking-contention');
    expect(r.figures).toMatchObject({ booked: 3, stored: 3, bookings: 12 });
    expect((r.figures.outcomes as Record<string, number>).CONFLICT).toBe(9);
    expect(r.targets[0]!.status).toBe('met');
  });

  it('sla-sweep: a due batch is swept in one pass, an idle pass sweeps nothing', { timeout: 120_000 }, async () => {
    const r = await runSlaSweep(ctx, { clocks: 1_000, batch: 50, passes: 2 });
    wellFormed(r, 'sla-sweep');
    expect(r.figures).toMatchObject({ insertedClocks: 1_000, batch: 50, sweptPerPass: 50, passes: 2 });
    expect(r.figures.openClocks).toBeGreaterThanOrEqual(1_000);
    const left = await sys.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM cs.sla_clock WHERE start_event_id > 1000000000000',
    );
    expect(left.rows[0]!.n).toBe(0);
  });

  it(
    'data-scale: bulk clones exist in every subgraph and the queries return full pages',
    { timeout: 180_000 },
    async () => {
      const before = await sys.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM wp."case"');
      const r = await runDataScale(ctx, { sizes: [1_000], samples: 5 });
      wellFormed(r, 'data-scale');
      const n = r.figures.n1000 as {
        rows: number;
        casesOverdue: { page: number };
        casesAccepted: { page: number };
        caseById: { p50: number };
      };
      expect(n.casesOverdue.page).toBe(50);
      expect(n.casesAccepted.page).toBe(50);
      expect(n.caseById.p50).toBeGreaterThan(0);
      const after = await sys.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM wp."case"');
      expect(after.rows[0]!.n - before.rows[0]!.n).toBe(1_001); // the template and its 1,000 copies
      const rp = await sys.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM rp.residence_permit WHERE case_id::text IN (SELECT id::text FROM wp."case" WHERE reference LIKE 'OS-2090-%')`,
      );
      expect(rp.rows[0]!.n).toBe(1_000);
    },
  );

  it(
    'the simulator drives a small day end to end through the API and reports every step',
    { timeout: 300_000 },
    async () => {
      const sim = new CitySimulator({
        ...DEFAULT_SIMULATOR_CONFIG,
        gatewayUrl: sys.stack.gatewayUrl,
        issuer: sys.stack.issuer,
        cases: 12,
        seed: 5,
        speed: 1e6,
        stepMin: 10,
        verbose: false,
      });
      const s = await sim.run();
      expect(s.casesPlanned).toBe(12);
      expect(s.casesFiled).toBe(12);
      expect(Object.values(s.byStatus).reduce((a, b) => a + b, 0)).toBe(12);
      expect(s.couldNotRun).toEqual([]);
      expect(s.steps.fileCase).toMatchObject({ attempted: 12, ok: 12, missing: [], unfillable: [] });
      expect(s.steps.checkIn!.ok).toBeGreaterThan(0);
      expect(s.steps.acceptDocuments!.ok).toBeGreaterThan(0);
      expect(s.breachesByKind).not.toBeNull();
      expect(s.cityLoad).toHaveProperty('servedToday');
      expect(s.countersWithLoad).toMatch(/^\d+\/15$/);
      expect(s.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    },
  );

  it('webhook-delivery: every delivery received once, figures reported', { timeout: 120_000 }, async () => {
    const r = await runWebhookDelivery(ctx);
    wellFormed(r, 'webhook-delivery');
    const f = r.figures as {
      burst: { expected: number; received: number };
      paced: { expected: number; received: number };
    };
    expect(f.burst.received).toBe(f.burst.expected);
    expect(f.paced.received).toBe(f.paced.expected);
  });
});
