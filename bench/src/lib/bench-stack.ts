import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { subgraphSecret, type SubgraphName } from '@onestop/common';
import { TEST_ADMIN_URL_ENV } from '@onestop/common/testing';
import { FREE_PORTS, startStack, type Stack } from '@onestop/scripts';
import { GraphQLClient, Identities } from './graphql-client.js';

/** A running system for the benchmarks: the stack, a pool on its database, tokens and a gateway client. */
export interface BenchSystem {
  stack: Stack;
  /** Pool on the system's database (bulk data setup and direct SQL timing). */
  sql: pg.Pool;
  gateway: GraphQLClient;
  /** One client per gateway instance (one unless started with replicas), gateway 1 first. */
  gateways: GraphQLClient[];
  ids: Identities;
  /** Secret the gateway signs requests to a subgraph with (test mode). */
  secret(name: SubgraphName): string;
  /** Set when the system was started from another build (`BENCH_BUILD`): its directory and commit. */
  build?: string;
  /** The last lines of process output, for a failure message. */
  logs: string[];
  stop(): Promise<void>;
}

/**
 * Starts the system as the benchmarks need it: NODE_ENV=test, LOG_LEVEL=warn, free ports, on
 * a throwaway database. The database is a new one on the test run's server (smoke tests), on
 * DATABASE_URL's server when set, or an embedded PostgreSQL in a temporary directory.
 */
export async function startBenchSystem(
  env: Record<string, string> = {},
  opts: { replicas?: number } = {},
): Promise<BenchSystem> {
  const logs: string[] = [];
  const onLog = (l: string): void => {
    logs.push(l);
    if (logs.length > 500) logs.shift();
  };
  const adminUrl = process.env[TEST_ADMIN_URL_ENV] ?? process.env.DATABASE_URL;
  let dropDatabase: () => Promise<void> = async () => undefined;
  let tempDir: string | undefined;
  let databaseUrl: string | undefined;
  if (adminUrl) {
    const name = `bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      await c.end();
    };
  } else {
    tempDir = await mkdtemp(path.join(tmpdir(), 'onestop-bench-'));
    await chmod(tempDir, 0o755); // as root, PostgreSQL (user postgres) must enter it
  }
  // BENCH_BUILD=<another built checkout>: start that build's system (an old build against this
  // one, in the same run), driven by this checkout's scenarios.
  const other = process.env.BENCH_BUILD;
  const start: typeof startStack = other
    ? (
        (await import(pathToFileURL(path.join(path.resolve(other), 'scripts', 'dist', 'index.js')).href)) as {
          startStack: typeof startStack;
        }
      ).startStack
    : startStack;
  let stack: Stack;
  try {
    stack = await start({
      databaseUrl,
      dataDir: tempDir ? path.join(tempDir, 'pg') : undefined,
      mode: 'test',
      replicas: opts.replicas,
      ports: FREE_PORTS,
      env: { LOG_LEVEL: 'warn', ...env },
      onLog,
    });
  } catch (err) {
    await dropDatabase().catch(() => undefined);
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    throw new Error(`the system did not start: ${(err as Error).message}\n${logs.slice(-20).join('\n')}`);
  }
  const sql = new pg.Pool({ connectionString: stack.databaseUrl, max: 6 });
  sql.on('error', () => undefined);
  return {
    stack,
    sql,
    gateway: new GraphQLClient(stack.gatewayUrl),
    gateways: stack.instances.gateway.map((g) => new GraphQLClient(g.url)),
    ids: new Identities(stack.issuer),
    secret: (name) => subgraphSecret(name, 'test', { ...process.env, ...env }),
    build: other ? `${path.resolve(other)} at ${commitOf(other)}` : undefined,
    logs,
    async stop() {
      await sql.end().catch(() => undefined);
      await stack.stop();
      await dropDatabase().catch(() => undefined);
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}

/** The short commit a checkout is at ("unknown" when it is not a git checkout). */
export function commitOf(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
