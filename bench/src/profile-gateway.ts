/**
 * `node bench/dist/profile-gateway.js [--federated] [--seconds N] [--connections N] [--gateway-dir DIR]`:
 * a CPU profile of the gateway alone under load. Starts the bench system, starts a second
 * gateway (this build's, or DIR's) beside it with `--cpu-prof`, drives it with autocannon
 * (the gateway-overhead query, or with --federated the 20-case page of gateway-federated),
 * stops it, and prints where its samples went: self time by the nearest owning package
 * (node_modules name, the gateway's own code, Node internals, GC, idle).
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchSystem } from './lib/bench-stack.js';
import { benchApi, createCases, workingQuery } from './lib/fixtures.js';
import { runLoad } from './lib/load.js';
import { startBaselineGateway } from './lib/baseline-gateway.js';
import type { Selection } from './simulator/api.js';
import { FEDERATED_CASE_SELECTION } from './scenarios/federated-case.js';
import { OVERHEAD_QUERY } from './scenarios/gateway-overhead.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a frame belongs to: the innermost node_modules package, else a coarse bucket. */
function owner(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'program (native, uncategorised)';
  if (!url) return fn.startsWith('(') ? fn : 'native';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:'))
    return `node:${url
      .slice(5)
      .split('/')[0]!
      .replace(/^internal$/, 'internal')}`;
  if (url.includes('/gateway/dist/')) return 'gateway (own code)';
  if (url.includes('/services/common/dist/')) return '@onestop/common';
  return url.split('/').slice(-2).join('/');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      federated: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '15' },
      connections: { type: 'string', default: '50' },
      'gateway-dir': { type: 'string' },
    },
  });
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = values['gateway-dir'] ?? repo;
  const sys = await startBenchSystem();
  try {
    const token = await sys.ids.manager();
    let body = JSON.stringify({ query: OVERHEAD_QUERY, variables: {} });
    if (values.federated) {
      const b = await benchApi(sys);
      await createCases(b, 20, { stage: 'booked', category: 'B' }).catch(() =>
        createCases(b, 20, { stage: 'filed', category: 'B' }),
      );
      const q = await workingQuery(
        b,
        'cases',
        { first: 20 },
        [{ edges: [{ node: FEDERATED_CASE_SELECTION }] }] as Selection,
        token,
      );
      body = JSON.stringify({ query: q.text, variables: q.variables });
    }
    const out = await mkdtemp(path.join(tmpdir(), 'onestop-gw-prof-'));
    const gateway = await startBaselineGateway(sys, dir, ['--cpu-prof', `--cpu-prof-dir=${out}`]);
    if (!gateway) throw new Error(`no built gateway in ${dir}`);
    const url = gateway.url;
    const headers = { authorization: `Bearer ${token}` };
    const sample = await (
      await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
    ).text();
    process.stdout.write(`answer (${sample.length} bytes): ${sample.slice(0, 300)}…${sample.slice(-200)}\n`);
    await runLoad({ url, connections: Number(values.connections), durationS: 3, body, headers });
    const r = await runLoad({
      url,
      connections: Number(values.connections),
      durationS: Number(values.seconds),
      body,
      headers,
    });
    // Idle a moment before the stop: the profile's last long idle stretch marks the load's end.
    await new Promise((res) => setTimeout(res, 1000));
    await gateway.stop();
    const file = (await readdir(out)).find((f) => f.endsWith('.cpuprofile'))!;
    const profile = JSON.parse(await readFile(path.join(out, file), 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    const fns = new Map<string, number>();
    let total = 0;
    // Only the timed load: the samples of its last `seconds` before the stop (start-up and warm-up left out).
    const times: number[] = [];
    let t = 0;
    for (const d of profile.timeDeltas) times.push((t += d));
    // The load ended where the last idle stretch of 0.8 s or more (the pause before the stop) begins.
    let stopAt = t;
    let idleSince: number | null = null;
    profile.samples.forEach((id, i) => {
      if (byId.get(id)!.callFrame.functionName === '(idle)') {
        idleSince ??= times[i]!;
        if (times[i]! - idleSince >= 800_000) stopAt = idleSince;
      } else idleSince = null;
    });
    const from = stopAt - Number(values.seconds) * 1e6;
    profile.samples.forEach((id, i) => {
      if (times[i]! < from || times[i]! > stopAt) return;
      const n = byId.get(id)!;
      const dt = profile.timeDeltas[i] ?? 0;
      const o = owner(n.callFrame.url, n.callFrame.functionName);
      if (o === 'idle') return;
      total += dt;
      self.set(o, (self.get(o) ?? 0) + dt);
      const f = `${o} ${n.callFrame.functionName || '(anonymous)'}`;
      fns.set(f, (fns.get(f) ?? 0) + dt);
    });
    const pct = (v: number): string => `${((v / total) * 100).toFixed(1)}%`;
    process.stdout.write(
      `gateway from ${dir}: ${r.requests} requests at ${r.connections} connections (${r.requestsPerSecond}/s), busy ${(total / 1000).toFixed(0)} ms = ${(total / 1000 / r.requests).toFixed(3)} ms/request (main thread); profile ${path.join(out, file)}\n`,
    );
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
      process.stdout.write(`  ${pct(v).padStart(6)}  ${k}\n`);
    process.stdout.write('top functions (self):\n');
    for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 30))
      process.stdout.write(`  ${pct(v).padStart(6)}  ${k}\n`);
  } finally {
    await sys.stop();
  }
}

await main();
