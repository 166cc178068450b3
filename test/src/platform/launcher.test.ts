import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestDevToken } from '@onestop/common';
import { repoRoot } from '@onestop/scripts';
import { waitFor } from '../testkit/index.js';

/**
 * `pnpm start`'s launcher as a user runs it: a real embedded PostgreSQL in a throwaway
 * directory, every process on a free port, then Ctrl-C (SIGINT to the whole foreground
 * process group, as a terminal sends it) or a killed launcher.
 */
describe('launcher: pnpm start stops everything', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'onestop-launcher-')), 'pg');
    await chmod(path.dirname(dataDir), 0o755); // as root, PostgreSQL (user postgres) must enter it
  });
  afterAll(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  // Each starts the whole system on a real PostgreSQL (twice in the second): minutes on a busy machine, not the default 30 s.
  it('Ctrl-C stops the entry points, then the subgraphs, then the database, and frees every port', async () => {
    const run = launch(dataDir);
    const ports = await run.ready;
    for (const port of ports) expect(await listening(port)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${ports[1]}/ready`)).status).toBe(200);
    const processes = await childrenOf(run.child.pid!);
    expect(processes).toHaveLength(7); // the database, the identity provider, three subgraphs, the gateway, the dashboard

    process.kill(-run.child.pid!, 'SIGINT'); // the whole group, like a terminal
    expect(await run.exit).toBe(0);
    const out = run.output();
    expect(out).toContain('stopping OneStop…');
    expect(out).toContain('stopped.');
    // The database goes last: no process lost its connection while it was still working.
    const stopping = out.indexOf('stopping OneStop…');
    const shutdown = out.indexOf('received fast shutdown request', stopping);
    expect(shutdown).toBeGreaterThan(stopping);
    expect(out).toContain('database system is shut down');
    expect(out.slice(stopping)).not.toMatch(/terminating connection|Connection terminated|ECONNREFUSED|"level":50/);
    for (const port of ports) expect(await listening(port)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(processes.filter(alive)).toEqual([]);
  }, 180_000);

  it('a killed launcher leaves no process and no server behind, and the data survives for the next start', async () => {
    const run = launch(dataDir);
    const ports = await run.ready;
    const processes = await childrenOf(run.child.pid!);
    expect(processes).toHaveLength(7); // the database, the identity provider, three subgraphs, the gateway, the dashboard
    process.kill(run.child.pid!, 'SIGKILL');
    await run.exit;
    await waitFor(
      async () => {
        for (const port of ports) if (await listening(port)) return false;
        return !existsSync(path.join(dataDir, 'postmaster.pid')) && processes.every((pid) => !alive(pid));
      },
      30_000,
      'every process to exit after its launcher died',
    );
    // The cluster directory is intact: a new launcher starts on it at once.
    const again = launch(dataDir);
    await again.ready;
    process.kill(-again.child.pid!, 'SIGINT');
    expect(await again.exit, again.output()).toBe(0);
  }, 180_000);

  it('kill -9 of a subgraph: the launcher says so, restarts it, and it serves again', async () => {
    const run = launch(dataDir);
    const [, gatewayPort, identityPort, wpPort] = await run.ready;
    const victim = await childRunning(run.child.pid!, 'services/work-permit/dist/main.js');
    process.kill(victim, 'SIGKILL');
    await waitFor(() => run.output().includes('work-permit is back'), 60_000, 'the restarted work-permit');
    const out = run.output();
    expect(out).toMatch(
      /\[launcher\] work-permit was killed by SIGKILL unexpectedly; restart 1 of at most 5 in 0\.5 s/,
    );
    expect(out).toMatch(/\[launcher\] work-permit is back \(restart 1, pid \d+\)/);
    const replacement = await childRunning(run.child.pid!, 'services/work-permit/dist/main.js');
    expect(replacement).not.toBe(victim);
    expect((await fetch(`http://127.0.0.1:${wpPort}/ready`)).status).toBe(200);
    // It serves through the gateway again: a query that only work-permit answers.
    const token = await requestDevToken(`http://127.0.0.1:${identityPort}`, { sub: 'launcher-test', role: 'MANAGER' });
    const res = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ cases(first: 1) { totalCount } }' }),
    });
    const body = (await res.json()) as { data?: { cases: { totalCount: number } }; errors?: unknown };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(body.data?.cases.totalCount).toBeGreaterThanOrEqual(0);
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exit, run.output()).toBe(0);
  }, 180_000);

  it('Ctrl-C after a child was killed by a signal (and not restarted) still stops everything, the database too', async () => {
    const run = launch(dataDir, { ONESTOP_MAX_RESTARTS: '0' });
    const ports = await run.ready;
    const processes = await childrenOf(run.child.pid!);
    const victim = await childRunning(run.child.pid!, 'services/residence-permit/dist/main.js');
    process.kill(victim, 'SIGKILL');
    await waitFor(() => !alive(victim), 15_000, 'the killed residence-permit to be gone');
    process.kill(-run.child.pid!, 'SIGINT');
    // The old launcher waited forever for the dead child's exit (exitCode is null after a signal).
    const exit = await Promise.race([
      run.exit,
      new Promise((r) => setTimeout(() => r('still running after 60 s'), 60_000)),
    ]);
    if (exit !== 0) process.kill(-run.child.pid!, 'SIGKILL');
    expect(exit, run.output()).toBe(0);
    expect(run.output()).toContain('[launcher] residence-permit was killed by SIGKILL; giving up after 0 restarts');
    expect(run.output()).toContain('database system is shut down');
    for (const port of ports) expect(await listening(port)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(processes.filter(alive)).toEqual([]);
  }, 180_000);
});

/** The pid of the launcher's child that runs `entry`. */
async function childRunning(launcherPid: number, entry: string): Promise<number> {
  for (const pid of await childrenOf(launcherPid)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(entry)) return pid;
  }
  throw new Error(`no child of ${launcherPid} runs ${entry}`);
}

/** Starts `scripts/dist/start.js` in its own process group; `ready` gives [database, gateway, identity, subgraphs…, dashboard] ports. */
function launch(
  dataDir: string,
  extraEnv: Record<string, string> = {},
): {
  child: ChildProcess;
  ready: Promise<number[]>;
  exit: Promise<number | string | null>;
  output(): string;
} {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'development',
    ONESTOP_DEMO: 'off',
    ONESTOP_VERBOSE: 'true',
    ONESTOP_DATA_DIR: dataDir,
    ONESTOP_DB_PORT: '0',
    IDENTITY_PORT: '0',
    WORK_PERMIT_FILES_PORT: '0',
    GATEWAY_PORT: '0',
    WORK_PERMIT_PORT: '0',
    RESIDENCE_PERMIT_PORT: '0',
    COUNTER_SCHEDULING_PORT: '0',
    DASHBOARD_PORT: '0',
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'dist', 'start.js')], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const exit = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  const ready = new Promise<number[]>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      if (!out.includes('OneStop is ready')) return;
      const port = (label: string): number => {
        const m = new RegExp(`${label}\\s+\\S*?127\\.0\\.0\\.1:(\\d+)`).exec(out);
        if (!m) throw new Error(`no ${label} URL in:\n${out}`);
        return Number(m[1]);
      };
      child.stdout!.off('data', onData);
      child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
      resolve(
        [
          'database',
          'gateway \\(GraphQL\\)',
          'identity \\(OIDC\\)',
          'work-permit',
          'residence-permit',
          'counter-scheduling',
          'dashboard',
        ].map(port),
      );
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    void exit.then((code) => reject(new Error(`the launcher exited with ${code} before it was ready:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exit, output: () => out };
}

/** The processes whose parent is `pid` (Linux /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may contain spaces, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push(Number(entry));
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
