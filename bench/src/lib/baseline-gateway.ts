import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@onestop/common';
import type { BenchSystem } from './bench-stack.js';
import { processEnvironment } from './machine.js';

/** A second gateway, from another build of the repository, in front of the same subgraphs. */
export interface BaselineGateway {
  /** The build directory it runs from. */
  dir: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The variable naming a built checkout of an earlier commit whose gateway is measured beside this one. */
export const BASELINE_GATEWAY_ENV = 'BENCH_BASELINE_GATEWAY';

/**
 * Starts `<dir>/gateway/dist/main.js` (a built checkout of another commit) with exactly the
 * environment and working directory of this system's gateway (the same subgraphs, secrets,
 * identity provider and supergraph file) on a port of its own, so the two gateways can be
 * measured in one run against the same subgraphs (`nodeArgs`, e.g. `--cpu-prof`, go to its
 * Node). Null when `dir` has no built gateway.
 */
export async function startBaselineGateway(
  sys: BenchSystem,
  dir: string,
  nodeArgs: string[] = [],
): Promise<BaselineGateway | null> {
  const entry = path.join(dir, 'gateway', 'dist', 'main.js');
  if (!existsSync(entry)) return null;
  const pid = sys.stack.pid('gateway');
  const current = pid ? processEnvironment(pid) : null;
  if (!current) return null;
  const port = await freePort();
  const env: Record<string, string> = { ...current.env, GATEWAY_PORT: String(port) };
  // Its own metrics on its own port (or none): never the port of the gateway it is compared with.
  delete env.METRICS_PORT;
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: current.cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    tail.push(d);
    if (tail.length > 20) tail.shift();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the baseline gateway exited: ${tail.join('').slice(-400)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the baseline gateway did not start within 60 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    dir,
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
