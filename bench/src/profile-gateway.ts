/**
 * `node bench/dist/profile-gateway.js [--federated] [--seconds N] [--connections N] [--gateway-dir DIR]`:
 * a CPU profile of the gateway alone under load. Starts the bench system, starts a second
 * gateway (this build's, or DIR's) beside it with `--cpu-prof`, drives it with autocannon
 * (the gateway-overhead query, or with --federated the 20-case page of gateway-federated),
 * stops it, and prints where its samples went: self time by the nearest owning package
 * (node_modules name, the gateway's own code, Node internals, GC, idle).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchSystem } from './lib/bench-stack.js';
import { benchApi, createCases, workingQuery } from './lib/fixtures.js';
import { runLoad } from './lib/load.js';
import { processEnvironment } from './lib/machine.js';
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

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
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
    const current = processEnvironment(sys.stack.pid('gateway')!)!;
    const port = await freePort();
    const out = await mkdtemp(path.join(tmpdir(), 'onestop-gw-prof-'));
    const env: Record<string, string> = { ...current.env, GATEWAY_PORT: String(port) };
    delete env.METRICS_PORT;
    const child = spawn(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${out}`, path.join(dir, 'gateway', 'dist', 'main.js')],
      { cwd: current.cwd, env, stdio: 'ignore' },
    );
    const url = `http://127.0.0.1:${port}/graphql`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
      } catch {
        if (i > 300) throw new Error('the profiled gateway did not start');
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const headers = { authorization: `Bearer ${token}` };
    await runLoad({ url, connections: Number(values.connections), durationS: 3, body, headers });
    const r = await runLoad({
      url,
      connections: Number(values.connections),
      durationS: Number(values.seconds),
      body,
      headers,
    });
    const exited = new Promise((res) => child.once('exit', res));
    // Idle a moment, so the stop's own samples are after the last busy load sample… and cut off by it.
    await new Promise((res) => setTimeout(res, 1000));
    child.kill('SIGTERM');
    await exited;
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
