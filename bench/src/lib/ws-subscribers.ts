import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CrowdAnswer, CrowdRequest } from './ws-crowd-worker.js';

/** A crowd of graphql-ws subscribers, one WebSocket each, all running the same subscription. */
export interface SubscriberCrowd {
  count: number;
  /** How many subscribers have received at least one of `probes` (event ids). */
  live(probes: Iterable<string>): Promise<number>;
  /** Pushes received so far, across the crowd. */
  received(): Promise<number>;
  /**
   * Receipt − commit (ms) of every push whose event is in `sent` (event id → commit time as
   * `performance.timeOrigin + performance.now()`), with the errors seen and the sockets the
   * server closed (token expiry, too far behind, …).
   */
  latencies(sent: Map<string, number>): Promise<{ latencies: number[]; errors: string[]; closedByServer: number }>;
  close(): Promise<void>;
}

export interface CrowdOptions {
  url: string;
  count: number;
  query: string;
  variables?: Record<string, unknown>;
  connectionParams: () => Record<string, unknown>;
  /** Sockets per load-generator process (each process has its own open-files limit). */
  perProcess?: number;
  /** Connections each process opens at once. */
  openConcurrency?: number;
}

/** The name the load-generator processes carry on their command line (machine.ts counts their CPU apart). */
export const CROWD_WORKER = 'ws-crowd-worker';

/** The compiled worker (from bench/src/lib in specs, bench/dist/lib otherwise: both resolve to dist). */
const WORKER_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'lib',
  `${CROWD_WORKER}.js`,
);

/** One load-generator process and its pending questions. */
class Worker {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (a: CrowdAnswer) => void; reject: (e: Error) => void }>();
  readonly child: ChildProcess;

  constructor() {
    this.child = fork(WORKER_FILE, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child.on('message', (a: CrowdAnswer) => {
      const p = this.pending.get(a.seq);
      if (!p) return;
      this.pending.delete(a.seq);
      if (a.failure) p.reject(new Error(`load generator: ${a.failure}`));
      else p.resolve(a);
    });
    this.child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`load generator exited (${code})`));
      this.pending.clear();
    });
  }

  ask(req: DistributiveOmit<CrowdRequest, 'seq'>): Promise<CrowdAnswer> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.child.send({ ...req, seq });
    });
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/**
 * Opens `count` subscribers in one or more load-generator processes (ws-crowd-worker.ts, at
 * most `perProcess` sockets each: a process's open-files limit caps what one can hold, and
 * the processes run beside the main one instead of sharing its event loop with the event
 * appends); resolves once every socket is acknowledged and subscribed.
 */
export async function openCrowd(opts: CrowdOptions): Promise<SubscriberCrowd> {
  const perProcess = opts.perProcess ?? 10_000;
  const shares: number[] = [];
  for (let left = opts.count; left > 0; left -= perProcess) shares.push(Math.min(perProcess, left));
  const workers = shares.map(() => new Worker());
  const all = <T>(f: (w: Worker) => Promise<T>): Promise<T[]> => Promise.all(workers.map(f));
  const close = async (): Promise<void> => {
    await all((w) => w.ask({ type: 'close' }).catch(() => undefined));
    for (const w of workers) w.child.disconnect();
  };
  try {
    await Promise.all(
      workers.map((w, i) =>
        w.ask({
          type: 'open',
          url: opts.url.replace(/^http/, 'ws'),
          count: shares[i]!,
          query: opts.query,
          variables: opts.variables ?? {},
          connectionParams: opts.connectionParams(),
          openConcurrency: opts.openConcurrency ?? 50,
        }),
      ),
    );
  } catch (err) {
    await close();
    throw err;
  }
  return {
    count: opts.count,
    async live(probes) {
      const list = [...probes];
      return (await all((w) => w.ask({ type: 'live', probes: list }))).reduce((s, a) => s + (a.value ?? 0), 0);
    },
    async received() {
      return (await all((w) => w.ask({ type: 'received' }))).reduce((s, a) => s + (a.value ?? 0), 0);
    },
    async latencies(sent) {
      const answers = await all((w) => w.ask({ type: 'latencies', sent }));
      const latencies: number[] = [];
      for (const a of answers) for (const l of a.latencies ?? []) latencies.push(l);
      return {
        latencies,
        errors: answers.flatMap((a) => a.errors ?? []),
        closedByServer: answers.reduce((s, a) => s + (a.closedByServer ?? 0), 0),
      };
    },
    close,
  };
}
