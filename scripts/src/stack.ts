import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { StartupError, SUBGRAPHS, type SubgraphName } from '@onestop/common';
import { repoRoot } from './paths.js';

/** The processes of the system, in start order. */
export type ServiceName = SubgraphName | 'identity' | 'gateway' | 'dashboard';

/** Ports of every process; 0 picks a free one. */
export interface StackPorts {
  database: number;
  /** The embedded identity provider (not started when OIDC_ISSUER names another). */
  identity: number;
  gateway: number;
  'work-permit': number;
  'residence-permit': number;
  'counter-scheduling': number;
  dashboard: number;
}

/** Documented defaults (README: configuration). */
export const DEFAULT_PORTS: StackPorts = {
  database: 54329,
  identity: 4004,
  gateway: 4000,
  'work-permit': 4001,
  'residence-permit': 4002,
  'counter-scheduling': 4003,
  dashboard: 5173,
};

/** Every port free (chosen by the OS): tests and benchmarks run beside anything else. */
export const FREE_PORTS: StackPorts = Object.freeze({
  database: 0,
  identity: 0,
  gateway: 0,
  'work-permit': 0,
  'residence-permit': 0,
  'counter-scheduling': 0,
  dashboard: 0,
});

export interface StackOptions {
  /** Use this server instead of starting the embedded one. */
  databaseUrl?: string;
  /** Embedded cluster directory (kept across runs). */
  dataDir?: string;
  ports?: Partial<StackPorts>;
  mode?: 'development' | 'test' | 'production';
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Receives every output line of every process, prefixed with its name. */
  onLog?: (line: string) => void;
}

/** A running system. */
export interface Stack {
  databaseUrl: string;
  ports: StackPorts;
  urls: Record<ServiceName, string>;
  gatewayUrl: string;
  /** The OpenID Connect issuer every process trusts: the embedded provider's URL, or OIDC_ISSUER. */
  issuer: string;
  /** The dashboard (built SPA + same-origin API proxy), e.g. http://127.0.0.1:5173/. */
  dashboardUrl: string;
  /** Stops one process (to test faults); `startService` brings it back on the same port. */
  stopService(name: ServiceName): Promise<void>;
  startService(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

const PORT_VARS: Record<keyof StackPorts, string> = {
  database: 'ONESTOP_DB_PORT',
  identity: 'IDENTITY_PORT',
  gateway: 'GATEWAY_PORT',
  'work-permit': 'WORK_PERMIT_PORT',
  'residence-permit': 'RESIDENCE_PERMIT_PORT',
  'counter-scheduling': 'COUNTER_SCHEDULING_PORT',
  dashboard: 'DASHBOARD_PORT',
};

/**
 * Starts the whole system: the database (embedded unless a URL is given), the three subgraphs
 * (each migrates its own schema), the gateway and the dashboard server; resolves when every
 * process is ready.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const log = opts.onLog ?? (() => undefined);
  // An external identity provider (OIDC_ISSUER) replaces the embedded one, which is then not started.
  const externalIssuer = opts.env?.OIDC_ISSUER ?? process.env.OIDC_ISSUER;
  const ports = await resolvePorts({ ...DEFAULT_PORTS, ...opts.ports }, !opts.databaseUrl, !externalIssuer);
  const children = new Map<ServiceName | 'database', ChildProcess>();
  let databaseUrl = opts.databaseUrl;
  if (!databaseUrl) {
    const db = supervise('database', path.join(repoRoot, 'scripts', 'dist', 'database-process.js'), {
      ...(process.env as Record<string, string>),
      ONESTOP_DB_DIR: path.resolve(opts.dataDir ?? path.join(repoRoot, '.data', 'pg')),
      ONESTOP_DB_PORT: String(ports.database),
    });
    children.set('database', db.child);
    const ready = new Promise<string>((resolve) =>
      db.child.on('message', (m: { type?: string; url?: string }) => {
        if (m?.type === 'ready' && typeof m.url === 'string') resolve(m.url);
      }),
    );
    databaseUrl = await Promise.race([ready, db.exited]);
  }
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: opts.mode ?? 'development',
    DATABASE_URL: databaseUrl,
    ...Object.fromEntries(Object.entries(PORT_VARS).map(([k, v]) => [v, String(ports[k as keyof StackPorts])])),
    OIDC_ISSUER: externalIssuer ?? `http://127.0.0.1:${ports.identity}`,
    ...opts.env,
  };
  const issuer = env.OIDC_ISSUER!;
  const entry = (name: ServiceName): string =>
    name === 'gateway'
      ? path.join(repoRoot, 'gateway', 'dist', 'main.js')
      : name === 'dashboard'
        ? path.join(repoRoot, 'scripts', 'dist', 'serve-dashboard.js')
        : path.join(repoRoot, 'services', name, 'dist', 'main.js');
  const healthUrl = (name: ServiceName, what: 'ready' | 'health'): string => `http://127.0.0.1:${ports[name]}/${what}`;

  const startService = async (name: ServiceName): Promise<void> => {
    const { child, exited } = supervise(name, entry(name), env);
    children.set(name, child);
    await Promise.race([waitForOk(healthUrl(name, 'ready'), 120_000, name), exited]);
  };

  /**
   * Every process runs in its own process group with an IPC channel: a Ctrl-C in the terminal
   * reaches only the launcher, which stops them in order (below), and a launcher that dies
   * closes the channels, on which each process stops itself (`runMain`).
   */
  function supervise(
    name: ServiceName | 'database',
    script: string,
    childEnv: Record<string, string>,
  ): { child: ChildProcess; exited: Promise<never> } {
    const label = name === 'database' ? 'postgres' : name;
    const child = spawn(process.execPath, ['--enable-source-maps', script], {
      cwd: repoRoot,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    const tail: string[] = [];
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        log(`[${label}] ${line}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => {
        const lastError = [...tail].reverse().find((l) => l.startsWith('error: '));
        reject(
          new StartupError(
            lastError
              ? `${name}: ${lastError.slice(7)}`
              : `${name} exited with code ${code} before it was ready: ${tail.slice(-3).join(' | ')}`,
          ),
        );
      }),
    );
    exited.catch(() => undefined);
    return { child, exited };
  }

  const stopProcess = async (name: ServiceName | 'database'): Promise<void> => {
    const child = children.get(name);
    children.delete(name);
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      // PostgreSQL may need a checkpoint to shut down; a service gives itself 10 s (runMain).
      const timer = setTimeout(() => child.kill('SIGKILL'), name === 'database' ? 60_000 : 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };

  const stopService = (name: ServiceName): Promise<void> => stopProcess(name);

  /** Stops in reverse dependency order: the entry points, then the subgraphs, then the database. */
  const stop = async (): Promise<void> => {
    await Promise.all((['dashboard', 'gateway'] as const).map(stopProcess));
    await Promise.all([...children.keys()].filter((n) => n !== 'database').map(stopProcess));
    await stopProcess('database');
  };

  try {
    if (!externalIssuer) await startService('identity');
    await Promise.all(SUBGRAPHS.map(startService));
    await startService('gateway');
    await startService('dashboard');
  } catch (err) {
    await stop();
    throw err;
  }
  const urls = Object.fromEntries(
    (['gateway', ...SUBGRAPHS] as ServiceName[]).map((n) => [n, `http://127.0.0.1:${ports[n]}/graphql`]),
  ) as Record<ServiceName, string>;
  urls.dashboard = `http://127.0.0.1:${ports.dashboard}/`;
  urls.identity = issuer;
  return {
    databaseUrl,
    ports,
    urls,
    gatewayUrl: urls.gateway,
    issuer,
    dashboardUrl: urls.dashboard,
    stopService,
    startService,
    stop,
  };
}

/** Picks free ports for zeros and fails early, with the variable to change, when a fixed one is taken. */
async function resolvePorts(wanted: StackPorts, needDatabase: boolean, needIdentity: boolean): Promise<StackPorts> {
  const out = { ...wanted };
  for (const key of Object.keys(out) as (keyof StackPorts)[]) {
    if (key === 'database' && !needDatabase) continue;
    if (key === 'identity' && !needIdentity) continue;
    if (out[key] === 0) out[key] = await freePort();
    else if (!(await portIsFree(out[key]))) {
      throw new StartupError(`Port ${out[key]} is in use: stop what uses it or set ${PORT_VARS[key]} to a free port.`);
    }
  }
  return out;
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function waitForOk(url: string, timeoutMs: number, name: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new StartupError(`${name} was not ready after ${timeoutMs / 1000}s (${url}).`);
}
