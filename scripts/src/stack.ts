import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { freePort, StartupError } from '@onestop/common';
import { repoRoot } from './paths.js';

/**
 * The processes of the system, in start order: each `tier` starts once the one before is
 * ready. Adding a process is one entry here (the launcher, its output, the testkit and the
 * README's configuration table follow from it). `replicated` processes run
 * ONESTOP_REPLICAS instances; instance n (n ≥ 2) listens on the port + 10·(n − 1).
 */
export const PROCESSES = [
  {
    // The embedded OpenID Connect provider (decision 0009); another provider named by OIDC_ISSUER replaces it.
    name: 'identity',
    entry: 'services/identity/dist/main.js',
    portVar: 'IDENTITY_PORT',
    defaultPort: 4004,
    tier: 0,
    replicated: false,
    unlessEnv: 'OIDC_ISSUER',
    urlPath: '',
  },
  {
    name: 'work-permit',
    entry: 'services/work-permit/dist/main.js',
    portVar: 'WORK_PERMIT_PORT',
    defaultPort: 4001,
    tier: 1,
    replicated: true,
    // The attachment file endpoint: signed upload/download URLs on an origin of their own (decision 0012).
    sidePorts: [{ name: 'files', portVar: 'WORK_PERMIT_FILES_PORT', defaultPort: 4005, urlPath: '/files/' }],
  },
  {
    name: 'residence-permit',
    entry: 'services/residence-permit/dist/main.js',
    portVar: 'RESIDENCE_PERMIT_PORT',
    defaultPort: 4002,
    tier: 1,
    replicated: true,
  },
  {
    name: 'counter-scheduling',
    entry: 'services/counter-scheduling/dist/main.js',
    portVar: 'COUNTER_SCHEDULING_PORT',
    defaultPort: 4003,
    tier: 1,
    replicated: true,
  },
  {
    name: 'gateway',
    entry: 'gateway/dist/main.js',
    portVar: 'GATEWAY_PORT',
    defaultPort: 4000,
    tier: 2,
    replicated: true,
  },
  {
    name: 'dashboard',
    entry: 'scripts/dist/serve-dashboard.js',
    portVar: 'DASHBOARD_PORT',
    defaultPort: 5173,
    tier: 3,
    replicated: false,
    urlPath: '/',
  },
] as const satisfies readonly ProcessSpec[];

/** One kind of process the launcher runs. */
export interface ProcessSpec {
  name: string;
  /** Compiled entry point, relative to the repository root. */
  entry: string;
  /** The variable that sets its port; every process of instance n sees the ports of instance n. */
  portVar: string;
  defaultPort: number;
  /** Start order: lower tiers are ready before a higher one starts; stopped in reverse. */
  tier: number;
  /** Runs ONESTOP_REPLICAS instances. */
  replicated: boolean;
  /** Polled until it answers 200 before the next tier starts; `/ready` unless set. */
  readyPath?: string;
  /** The path of the URL the launcher prints and `Stack.urls` gives; `/graphql` unless set. */
  urlPath?: string;
  /** Not started when this variable is set in the environment (another server takes its place). */
  unlessEnv?: string;
  /** Further ports the process listens on (one per instance, like its own). */
  sidePorts?: readonly SidePortSpec[];
}

/** A second port of a process (e.g. work-permit's file endpoint). */
export interface SidePortSpec {
  name: string;
  portVar: string;
  defaultPort: number;
  /** The path of its URL in `Stack.urls`. */
  urlPath: string;
}

/** The processes of the system. */
export type ServiceName = (typeof PROCESSES)[number]['name'];

/** The side ports of the processes (see ProcessSpec.sidePorts). */
export type SidePortName = Extract<
  (typeof PROCESSES)[number],
  { sidePorts: readonly unknown[] }
>['sidePorts'][number]['name'];

/** Every port the launcher hands out, with the process that listens on it. */
type PortName = ServiceName | SidePortName;
const PORT_SPECS: readonly {
  name: PortName;
  owner: ServiceName;
  portVar: string;
  defaultPort: number;
  urlPath: string;
}[] = PROCESSES.flatMap((p: ProcessSpec & { name: ServiceName }) => [
  { name: p.name, owner: p.name, portVar: p.portVar, defaultPort: p.defaultPort, urlPath: p.urlPath ?? '/graphql' },
  ...(p.sidePorts ?? []).map((s) => ({ ...s, name: s.name as SidePortName, owner: p.name })),
]);

/** Ports of every process (of its first instance); 0 picks a free one. */
export type StackPorts = Record<PortName | 'database', number>;

const DATABASE_PORT_VAR = 'ONESTOP_DB_PORT';

/** Documented defaults (README: configuration). */
export const DEFAULT_PORTS: StackPorts = {
  database: 54329,
  ...(Object.fromEntries(PORT_SPECS.map((p) => [p.name, p.defaultPort])) as Record<PortName, number>),
};

/** The variable of each port. */
export const PORT_VARS: Record<PortName | 'database', string> = {
  database: DATABASE_PORT_VAR,
  ...(Object.fromEntries(PORT_SPECS.map((p) => [p.name, p.portVar])) as Record<PortName, string>),
};

/** Every port free (chosen by the OS): tests and benchmarks run beside anything else. */
export const FREE_PORTS: StackPorts = Object.freeze(
  Object.fromEntries(Object.keys(PORT_VARS).map((k) => [k, 0])) as StackPorts,
);

/** How the launcher restarts a process that dies on its own (not one it stops). */
export interface RestartPolicy {
  /** Give up on a process after this many restarts in a row. */
  maxRestarts: number;
  /** Back-off before restart n: initialDelayMs · 2^(n−1), at most maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A process that stayed up this long starts counting its restarts afresh. */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 5,
  initialDelayMs: 500,
  maxDelayMs: 15_000,
  resetAfterMs: 60_000,
};

export interface StackOptions {
  /** Use this server instead of starting the embedded one. */
  databaseUrl?: string;
  /** Embedded cluster directory (kept across runs). */
  dataDir?: string;
  ports?: Partial<StackPorts>;
  /** Instances of every replicated process (subgraphs and gateway); 1 by default. */
  replicas?: number;
  mode?: 'development' | 'test' | 'production';
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /**
   * Restart a process that exits on its own (crash, kill -9), with back-off and a limit, and
   * say so through onLog. Off by default (tests see a crash as a crash); `pnpm start` turns
   * it on. In containers the orchestrator restarts instead (docs/deploy.md).
   */
  restart?: boolean | Partial<RestartPolicy>;
  /** Receives every output line of every process, prefixed with its name; the launcher's own lines start with `[launcher]`. */
  onLog?: (line: string) => void;
}

/** One running instance. */
export interface Instance {
  port: number;
  /** Its GraphQL URL (the dashboard's page for the dashboard). */
  url: string;
}

/** A running system. */
export interface Stack {
  databaseUrl: string;
  /** Ports and URLs of the first instance of each process. */
  ports: StackPorts;
  urls: Record<PortName, string>;
  gatewayUrl: string;
  /** The OpenID Connect issuer every process trusts: the embedded provider's URL, or OIDC_ISSUER. */
  issuer: string;
  /** The dashboard (built SPA + same-origin API proxy), e.g. http://127.0.0.1:5173/. */
  dashboardUrl: string;
  replicas: number;
  /** Every instance of each process (and side port), instance 1 first. */
  instances: Record<PortName, Instance[]>;
  /** The pid of a running instance (1-based), undefined while it is down. */
  pid(name: ServiceName, instance?: number): number | undefined;
  /** Stops one instance (to test faults; never restarted); `startService` brings it back on the same port. */
  stopService(name: ServiceName, instance?: number): Promise<void>;
  startService(name: ServiceName, instance?: number): Promise<void>;
  /** Stops everything in reverse start order, the database last; `hurry` kills services at once. */
  stop(opts?: { hurry?: boolean }): Promise<void>;
}

/** A supervised process: one instance of a service, or the embedded database. */
interface Slot {
  label: string;
  script: string;
  env: Record<string, string>;
  child: ChildProcess | undefined;
  /** Set while the launcher itself stops it: its exit is no crash. */
  stopping: boolean;
  restarts: number;
  startedAt: number;
  restartTimer: NodeJS.Timeout | undefined;
  /** Resolves when the current child has exited (immediately when there is none). */
  exited: Promise<void>;
  /** The current child's last output lines, for a start-up error. */
  tail: string[];
  /** A service's readiness URL, polled after a restart. */
  readyUrl?: string;
}

/**
 * Starts the whole system: the database (embedded unless a URL is given), the subgraphs
 * (each migrates its own schema), the gateway and the dashboard server, `replicas` instances
 * of each replicated process (instance n of the gateway uses instance n of every subgraph);
 * resolves when every process is ready.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const log = opts.onLog ?? (() => undefined);
  const say = (line: string): void => log(`[launcher] ${line}`);
  const replicas = opts.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 9) {
    throw new StartupError(`ONESTOP_REPLICAS=${replicas} must be a whole number from 1 to 9.`);
  }
  const policy: RestartPolicy | undefined = opts.restart
    ? { ...DEFAULT_RESTART_POLICY, ...(opts.restart === true ? {} : opts.restart) }
    : undefined;
  const envIn = (name: string): string | undefined => opts.env?.[name] ?? process.env[name];
  /** Instances of a process (0 when another server replaces it: `unlessEnv`). */
  const count = (name: PortName): number => {
    const p = spec(ownerOf(name));
    if (p.unlessEnv && envIn(p.unlessEnv)) return 0;
    return p.replicated ? replicas : 1;
  };
  const wanted: StackPorts = { ...DEFAULT_PORTS, ...opts.ports };
  // A process on any free port (tests, benchmarks) gets free side ports too, unless told otherwise.
  for (const p of PORT_SPECS) {
    if (p.name !== p.owner && opts.ports?.[p.name] === undefined && wanted[p.owner] === 0) wanted[p.name] = 0;
  }
  const ports = await resolvePorts(wanted, !opts.databaseUrl, count);
  const freelyChosen = new Set(PORT_SPECS.filter((p) => wanted[p.name] === 0).map((p) => p.name));
  const slots = new Map<string, Slot>();
  let shuttingDown = false;

  let databaseUrl = opts.databaseUrl;
  if (!databaseUrl) {
    const db = launch('database', 'postgres', path.join(repoRoot, 'scripts', 'dist', 'database-process.js'), {
      ...(process.env as Record<string, string>),
      ONESTOP_DB_DIR: path.resolve(opts.dataDir ?? path.join(repoRoot, '.data', 'pg')),
      ONESTOP_DB_PORT: String(ports.database[0]),
    });
    const ready = new Promise<string>((resolve) =>
      db.child!.on('message', (m: { type?: string; url?: string }) => {
        if (m?.type === 'ready' && typeof m.url === 'string') resolve(m.url);
      }),
    );
    const failed = startFailure(db);
    failed.catch(() => undefined);
    try {
      databaseUrl = await Promise.race([ready, failed]);
    } catch (err) {
      await stopSlot('database');
      throw err;
    }
  }
  const issuer = envIn('OIDC_ISSUER') ?? `http://127.0.0.1:${ports.identity[0]}`;
  const baseEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: opts.mode ?? 'development',
    DATABASE_URL: databaseUrl,
    OIDC_ISSUER: issuer,
    ...opts.env,
  };
  /** Instance n sees the ports of instance n of every process: its own set of subgraphs. */
  const envOf = (instance: number): Record<string, string> => ({
    ...baseEnv,
    ...Object.fromEntries(
      PORT_SPECS.filter((p) => count(p.name) > 0).map((p) => [
        p.portVar,
        String(ports[p.name][Math.min(instance, count(p.name)) - 1]),
      ]),
    ),
  });
  const key = (name: ServiceName, instance: number): string => `${name}#${instance}`;
  const labelOf = (name: ServiceName, instance: number): string => (count(name) > 1 ? `${name}#${instance}` : name);
  const portOf = (name: ServiceName, instance: number): number => {
    const port = ports[name][instance - 1];
    if (port === undefined) throw new StartupError(`${name} has no instance ${instance} (replicas: ${count(name)}).`);
    return port;
  };

  /** Spawns a slot's process; every process runs in its own group with an IPC channel (runMain). */
  function launch(id: string, label: string, script: string, env: Record<string, string>): Slot {
    const slot: Slot = {
      label,
      script,
      env,
      child: undefined,
      stopping: false,
      restarts: 0,
      startedAt: 0,
      restartTimer: undefined,
      exited: Promise.resolve(),
      tail: [],
    };
    slots.set(id, slot);
    spawnInto(slot);
    return slot;
  }

  /**
   * Every process runs in its own process group with an IPC channel: a Ctrl-C in the terminal
   * reaches only the launcher, which stops them in order (below), and a launcher that dies
   * closes the channels, on which each process stops itself (`runMain`).
   */
  function spawnInto(slot: Slot): void {
    const child = spawn(process.execPath, ['--enable-source-maps', slot.script], {
      cwd: repoRoot,
      env: slot.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    const tail: string[] = [];
    slot.tail = tail;
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        log(`[${slot.label}] ${line}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    slot.child = child;
    slot.startedAt = Date.now();
    slot.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        if (slot.child === child && !slot.stopping && !shuttingDown) onCrash(slot, code, signal);
      });
    });
  }

  /** A process exited without being asked: restart it with back-off, or say why not. */
  function onCrash(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (!policy || slot.label === 'postgres') {
      say(
        `${slot.label} ${how}; it is not restarted${policy ? ' (the database: stop with Ctrl-C and start again)' : ''}.`,
      );
      return;
    }
    if (Date.now() - slot.startedAt >= policy.resetAfterMs) slot.restarts = 0;
    if (slot.restarts >= policy.maxRestarts) {
      say(`${slot.label} ${how}; giving up after ${slot.restarts} restarts in a row (the rest keeps running).`);
      return;
    }
    slot.restarts++;
    const delay = Math.min(policy.initialDelayMs * 2 ** (slot.restarts - 1), policy.maxDelayMs);
    say(
      `${slot.label} ${how} unexpectedly; restart ${slot.restarts} of at most ${policy.maxRestarts} in ${(delay / 1000).toFixed(1)} s.`,
    );
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (shuttingDown || slot.stopping) return;
      spawnInto(slot);
      if (!slot.readyUrl) return;
      const failed = startFailure(slot);
      failed.catch(() => undefined);
      void Promise.race([waitForOk(slot.readyUrl, 120_000, slot.label, slot.child?.pid), failed]).then(
        () => say(`${slot.label} is back (restart ${slot.restarts}, pid ${slot.child?.pid}).`),
        () => undefined, // its exit is handled as the next crash
      );
    }, delay);
  }

  /** Rejects with the process's own error line if it exits (before it was ready). */
  function startFailure(slot: Slot): Promise<never> {
    const child = slot.child!;
    const tail = slot.tail;
    return new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => {
        const lastError = [...tail].reverse().find((l) => l.startsWith('error: '));
        reject(
          new StartupError(
            lastError
              ? `${slot.label}: ${lastError.slice(7)}`
              : `${slot.label} exited with ${signal ?? `code ${code}`} before it was ready: ${tail.slice(-3).join(' | ')}`,
          ),
        );
      }),
    );
  }

  const startService = async (name: ServiceName, instance = 1): Promise<void> => {
    const port = portOf(name, instance);
    const id = key(name, instance);
    const existing = slots.get(id);
    if (existing?.child && existing.child.exitCode === null && existing.child.signalCode === null) return;
    if (existing) {
      existing.stopping = true; // a crashed one waiting for its restart: replaced by this start
      clearTimeout(existing.restartTimer);
    }
    const slot = launch(id, labelOf(name, instance), path.join(repoRoot, spec(name).entry), envOf(instance));
    slot.readyUrl = `http://127.0.0.1:${port}${spec(name).readyPath ?? '/ready'}`;
    const failed = startFailure(slot);
    failed.catch(() => undefined);
    await Promise.race([waitForOk(slot.readyUrl, 120_000, slot.label, slot.child?.pid), failed]);
  };

  /**
   * The first start of an instance. A port picked free (0) can be taken by another process before
   * the child binds it (test files start systems side by side): the child then stops with "in use",
   * and this picks another port and starts it again. Later tiers read the port only after this.
   */
  const startFresh = async (name: ServiceName, instance: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startService(name, instance);
      } catch (err) {
        const mine = PORT_SPECS.filter((p) => p.owner === name && freelyChosen.has(p.name));
        if (attempt >= 3 || !mine.length || !/in use/.test((err as Error).message)) throw err;
        for (const p of mine) ports[p.name][Math.min(instance, count(p.name)) - 1] = await freePort();
        say(`${labelOf(name, instance)}: a port picked for it was taken meanwhile; starting it on another.`);
      }
    }
  };

  /** Stops one process: SIGTERM, then SIGKILL after its grace period; done once it has exited. */
  async function stopSlot(id: string, hurry = false): Promise<void> {
    const slot = slots.get(id);
    slots.delete(id);
    if (!slot) return;
    slot.stopping = true;
    clearTimeout(slot.restartTimer);
    const child = slot.child;
    // A child killed by a signal has exitCode null but a signalCode: it is gone all the same.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // PostgreSQL may need a checkpoint to shut down; a service gives itself 10 s (runMain).
    const grace = slot.label === 'postgres' ? 60_000 : hurry ? 0 : 15_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), grace);
    child.kill(hurry && slot.label !== 'postgres' ? 'SIGKILL' : 'SIGTERM');
    await slot.exited;
    clearTimeout(timer);
  }

  const stopService = (name: ServiceName, instance = 1): Promise<void> => stopSlot(key(name, instance));

  /** Stops in reverse start order: the entry points, then the subgraphs, then the database. */
  const stop = async (stopOpts: { hurry?: boolean } = {}): Promise<void> => {
    shuttingDown = true;
    const tiers = [...new Set(PROCESSES.map((p) => p.tier))].sort((a, b) => b - a);
    for (const tier of tiers) {
      const ids = [...slots.keys()].filter((id) => spec(id.split('#')[0] as ServiceName)?.tier === tier);
      await Promise.all(ids.map((id) => stopSlot(id, stopOpts.hurry)));
    }
    await stopSlot('database');
  };

  try {
    const tiers = [...new Set(PROCESSES.map((p) => p.tier))].sort((a, b) => a - b);
    for (const tier of tiers) {
      await Promise.all(
        PROCESSES.filter((p) => p.tier === tier).flatMap((p) =>
          Array.from({ length: count(p.name) }, (_, i) => startFresh(p.name, i + 1)),
        ),
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const instances = Object.fromEntries(
    PORT_SPECS.map((p) => [
      p.name,
      ports[p.name].map((port) => ({ port, url: `http://127.0.0.1:${port}${p.urlPath}` })),
    ]),
  ) as Record<PortName, Instance[]>;
  // A process another server replaces (unlessEnv) has no instance; the issuer is always known.
  const urls = Object.fromEntries(PORT_SPECS.map((p) => [p.name, instances[p.name][0]?.url ?? ''])) as Record<
    PortName,
    string
  >;
  urls.identity = issuer;
  return {
    databaseUrl,
    ports: Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, v[0] ?? 0])) as StackPorts,
    urls,
    gatewayUrl: urls.gateway,
    issuer,
    dashboardUrl: urls.dashboard,
    replicas,
    instances,
    pid: (name, instance = 1) => {
      const child = slots.get(key(name, instance))?.child;
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    stopService,
    startService,
    stop,
  };
}

function spec(name: ServiceName): ProcessSpec {
  return PROCESSES.find((p) => p.name === name)!;
}

/** The process that listens on a port. */
function ownerOf(name: PortName): ServiceName {
  return PORT_SPECS.find((p) => p.name === name)!.owner;
}

/**
 * Picks free ports for zeros and fails early, with the variable to change, when a fixed one is
 * taken. Each process gets one port per instance: instance n of a fixed port p is p + 10·(n − 1).
 */
async function resolvePorts(
  wanted: StackPorts,
  needDatabase: boolean,
  count: (name: PortName) => number,
): Promise<Record<PortName | 'database', number[]>> {
  const out = {} as Record<PortName | 'database', number[]>;
  for (const key of Object.keys(wanted) as (keyof StackPorts)[]) {
    if (key === 'database' && !needDatabase) {
      out.database = [wanted.database];
      continue;
    }
    const n = key === 'database' ? 1 : count(key);
    out[key] = [];
    for (let i = 0; i < n; i++) {
      if (wanted[key] === 0) {
        out[key].push(await freePort());
        continue;
      }
      const port = wanted[key] + 10 * i;
      if (!(await portIsFree(port))) {
        throw new StartupError(
          `Port ${port} is in use: stop what uses it or set ${PORT_VARS[key]} to a free port${i ? ` (instance ${i + 1} uses ${PORT_VARS[key]} + ${10 * i})` : ''}.`,
        );
      }
      out[key].push(port);
    }
  }
  return out;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * Polls until the URL answers 200 — from the expected process when `pid` is given and the answer
 * names one (every OneStop process's /ready does): another system's process on a reused port
 * is not taken for ours.
 */
async function waitForOk(url: string, timeoutMs: number, name: string, pid?: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        if (pid === undefined) return;
        const body = (await res.json().catch(() => null)) as { pid?: unknown } | null;
        if (body?.pid === undefined || body.pid === pid) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new StartupError(`${name} was not ready after ${timeoutMs / 1000}s (${url}).`);
}
