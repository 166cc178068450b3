import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuDelta, cpuSnapshot, machineInfo } from './machine.js';
import { Prng } from './prng.js';
import { check, publish, rawRowsOf, renderFigures, renderSummary } from './results.js';
import { percentile, ratio, summarize } from './stats.js';

describe('Prng', () => {
  it('replays the same sequence for the same seed and differs for another', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('draws distributions with the asked-for means', () => {
    const r = new Prng('dist');
    const n = 20_000;
    const mean = (f: () => number): number => Array.from({ length: n }, f).reduce((s, v) => s + v, 0) / n;
    expect(mean(() => r.exponential(10))).toBeGreaterThan(9);
    expect(mean(() => r.exponential(10))).toBeLessThan(11);
    expect(mean(() => r.logNormal(15, 0.5))).toBeGreaterThan(14);
    expect(mean(() => r.logNormal(15, 0.5))).toBeLessThan(16);
    expect(mean(() => r.poisson(3))).toBeGreaterThan(2.8);
    expect(mean(() => r.poisson(3))).toBeLessThan(3.2);
    const ints = Array.from({ length: 1000 }, () => r.int(1, 3));
    expect(new Set(ints)).toEqual(new Set([1, 2, 3]));
  });

  it('picks by weight and never from an empty list', () => {
    const r = new Prng(1);
    const picks = Array.from({ length: 5000 }, () =>
      r.weighted([
        ['a', 9],
        ['b', 1],
      ] as const),
    );
    const share = picks.filter((p) => p === 'a').length / picks.length;
    expect(share).toBeGreaterThan(0.85);
    expect(() => r.pick([])).toThrow(RangeError);
  });
});

describe('stats', () => {
  it('computes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    const s = summarize([3, 1, 2]);
    expect(s).toMatchObject({ count: 3, p50: 2, max: 3, mean: 2 });
  });

  it('reports ratios, null when the base is zero', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 0)).toBeNull();
  });
});

describe('results', () => {
  it('checks targets both ways and marks unmeasured ones n/a', () => {
    expect(check('p50 ≤ 1.3×', 1.2, 1.3).status).toBe('met');
    expect(check('p50 ≤ 1.3×', 1.4, 1.3).status).toBe('missed');
    expect(check('rps ≥ 0.5×', 0.6, 0.5, '×', true).status).toBe('met');
    expect(check('x', null, 1).status).toBe('n/a');
  });

  it('renders nested figures compactly', () => {
    expect(renderFigures({ a: 1, b: { c: 2, d: [3, 4] } })).toBe('a=1, b.c=2, b.d=3/4');
  });

  it('prints a JSON line and appends a table row with date, machine and command', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-results-'));
    const file = path.join(dir, 'RESULTS.md');
    try {
      await publish(
        { scenario: 's1', command: 'pnpm bench s1', figures: { rps: 10 }, targets: [check('t', 1, 2)], notes: ['n|x'] },
        file,
      );
      await publish({ scenario: 's2', command: 'pnpm bench s2', figures: {}, targets: [], notes: [] }, file);
      const text = await readFile(file, 'utf8');
      const rows = text.split('\n').filter((l) => /^\| \d{4}-/.test(l));
      expect(rows).toHaveLength(2);
      expect(rows[0]).toContain('`pnpm bench s1`');
      expect(rows[0]).toContain('rps=10');
      expect(rows[0]).toContain('MET: t');
      expect(rows[0]).toContain('n\\|x');
      expect(rows[0]).toContain(`${machineInfo().cores} cores`);
      expect(text.match(/^# Benchmark results/gm)).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('results summary', () => {
  it('keeps the newest measured figure of each target on top, and every raw row below', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-summary-'));
    const file = path.join(dir, 'RESULTS.md');
    try {
      await publish(
        {
          scenario: 's',
          command: 'pnpm bench s',
          figures: {},
          targets: [check('p99 ≤ 250 ms (gateway)', 300, 250, ' ms')],
          notes: [],
        },
        file,
      );
      await publish(
        {
          scenario: 's',
          command: 'pnpm bench s',
          figures: {},
          targets: [check('p99 ≤ 250 ms (gateway)', 120, 250, ' ms')],
          notes: [],
        },
        file,
      );
      await publish(
        {
          scenario: 's',
          command: 'pnpm bench s',
          figures: {},
          targets: [check('p99 ≤ 250 ms (gateway)', null, 250)],
          notes: [],
        },
        file,
      );
      const text = await readFile(file, 'utf8');
      expect(rawRowsOf(text)).toHaveLength(3);
      const summary = text.slice(text.indexOf('## Latest figure per target'), text.indexOf('## Every run'));
      const rows = summary.split('\n').filter((l) => l.startsWith('| p99'));
      expect(rows).toEqual([expect.stringContaining('| p99 ≤ 250 ms (gateway) | 120 ms | met |')]);
      expect(text.indexOf('## Latest figure per target')).toBeLessThan(text.indexOf('## Every run'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('marks a missed target and reads targets whose text has parentheses', () => {
    const row = '| 2026-11-27 07:56 | x | `pnpm bench` | m | f | MET: a (gateway) (1 ms); MISSED: b (2×) | — |';
    const summary = renderSummary([row]);
    expect(summary).toContain('| a (gateway) | 1 ms | met |');
    expect(summary).toContain('| b | 2× | **missed** |');
  });
});

describe('machine', () => {
  it('reads this process tree CPU from /proc', () => {
    const a = cpuSnapshot();
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += Math.sqrt(i);
    const d = cpuDelta(a, cpuSnapshot());
    expect(x).toBeGreaterThan(0);
    expect(d.loadGenerator).toBeGreaterThan(0);
    expect(d.available).toBe(true);
  });
});
