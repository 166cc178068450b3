/**
 * Reference hops for `pnpm bench gateway-overhead --floor`: one more process on the path that
 * does nothing but forward HTTP, to show what a hop costs on this machine before any gateway
 * work. Two of them:
 *
 * - `bareProxy`: a bare Node proxy (bare-proxy.ts: node:http in, undici out), the floor of a
 *   gateway written in Node;
 * - `haproxy`: HAProxy in HTTP mode, one thread, keep-alive both sides (`apt-get install
 *   haproxy`; skipped when the binary is not on PATH), the floor of a proxy written in C.
 *
 * Both forward the load generator's signed request unchanged to the subgraph, so they answer
 * what the direct path answers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@onestop/common';

export type ReferenceHopName = 'bareProxy' | 'haproxy';

export interface ReferenceHop {
  name: ReferenceHopName;
  /** How figures and notes name it, and what it is. */
  label: string;
  what: string;
  /** The subgraph's URL through the hop (same path). */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** HAProxy's configuration: one thread (the gateway is one Node thread), HTTP keep-alive on both sides. */
export function haproxyConfig(port: number, target: URL): string {
  return [
    'global',
    '  nbthread 1',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    '  http-reuse always',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-keep-alive 60s',
    'frontend bench',
    `  bind 127.0.0.1:${port}`,
    '  default_backend subgraph',
    'backend subgraph',
    `  server s1 ${target.hostname}:${target.port} maxconn 256`,
    '',
  ].join('\n');
}

/** Whether HAProxy can be run here. */
export function haproxyAvailable(): boolean {
  return spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
}

async function waitListening(child: ChildProcess, url: string, what: string, tail: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited: ${tail.join('').slice(-400)}`);
    try {
      // Any HTTP answer (the subgraph refuses an unsigned GET) means the hop forwards.
      await fetch(url, { method: 'GET' });
      return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} did not start within 20 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopper(child: ChildProcess, cleanup?: () => void): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    cleanup?.();
  };
}

function collectTail(child: ChildProcess): string[] {
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    tail.push(d);
    if (tail.length > 20) tail.shift();
  });
  return tail;
}

/** Starts the bare Node proxy in front of `targetUrl`. */
export async function startBareProxy(targetUrl: string): Promise<ReferenceHop> {
  const port = await freePort();
  // The compiled proxy (from bench/src/lib in specs, bench/dist/lib otherwise: both resolve to dist).
  const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'lib', 'bare-proxy.js');
  const child = spawn(process.execPath, [entry, String(port), targetUrl], { stdio: ['ignore', 'ignore', 'pipe'] });
  const tail = collectTail(child);
  const target = new URL(targetUrl);
  const url = `http://127.0.0.1:${port}${target.pathname}`;
  await waitListening(child, url, 'the bare Node proxy', tail);
  return {
    name: 'bareProxy',
    label: 'a bare Node proxy',
    what: 'node:http in, undici out',
    url,
    pid: child.pid!,
    stop: stopper(child),
  };
}

/** Starts HAProxy in front of `targetUrl`, or returns null when it is not installed. */
export async function startHaproxy(targetUrl: string): Promise<ReferenceHop | null> {
  if (!haproxyAvailable()) return null;
  const port = await freePort();
  const target = new URL(targetUrl);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onestop-haproxy-'));
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(port, target));
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  const tail = collectTail(child);
  const url = `http://127.0.0.1:${port}${target.pathname}`;
  await waitListening(child, url, 'HAProxy', tail);
  return {
    name: 'haproxy',
    label: 'HAProxy',
    what: 'HTTP mode, 1 thread, keep-alive',
    url,
    pid: child.pid!,
    stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })),
  };
}
