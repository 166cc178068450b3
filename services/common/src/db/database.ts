import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import type { Logger } from '../logger.js';
import { redactUrl } from '../config.js';
import { StartupError } from '../errors.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Constructor = Function;

/** Where and what one deployable stores. */
export interface DatabaseOptions {
  url: string;
  /** The PostgreSQL schema this deployable owns (`wp`, `rp`, `cs`, `platform`). */
  schema: string;
  entities: MixedList<Constructor | string | EntitySchema>;
  migrations: Constructor[];
  logger: Logger;
  applicationName: string;
  poolSize?: number;
  /** How long to keep retrying the first connection. */
  connectTimeoutMs?: number;
  /**
   * `apply` (default): apply pending migrations at start-up. `verify`: apply none and refuse to
   * start while any is pending (containers: the migration job applies them before new pods start).
   */
  migrationsMode?: 'apply' | 'verify';
  /** Statement counter, for tests that prove batching (one SQL statement per entity type). */
  onQuery?: (sql: string) => void;
}

/** SQLSTATEs that no amount of retrying fixes. */
const FATAL_CODES: Record<string, string> = {
  '28P01': 'the password was rejected',
  '28000': 'the user may not connect',
  '3D000': 'the database does not exist',
  '42501': 'the user lacks a privilege',
};

/**
 * Opens the deployable's DataSource: retries the first connection with back-off, keeps a
 * dropped connection from crashing the process (pool error handler; the pool reconnects on
 * the next query), creates the schema, applies pending migrations under an advisory lock so
 * several instances can start at once, and refuses to start when code and database disagree.
 */
export async function openDatabase(opts: DatabaseOptions): Promise<DataSource> {
  const { logger } = opts;
  const ds = new DataSource({
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    applicationName: opts.applicationName,
    poolSize: opts.poolSize ?? 10,
    poolErrorHandler: (err: unknown) =>
      logger.warn({ err: (err as Error)?.message }, 'database connection lost; the pool will reconnect'),
    extra: { connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
    logging: opts.onQuery ? ['query'] : false,
    logger: opts.onQuery ? new CountingLogger(opts.onQuery) : undefined,
  });
  await connectWithRetry(ds, opts);
  await migrate(ds, opts.schema, logger, opts.migrationsMode ?? 'apply');
  return ds;
}

async function connectWithRetry(ds: DataSource, opts: DatabaseOptions): Promise<void> {
  const deadline = Date.now() + (opts.connectTimeoutMs ?? 30_000);
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    try {
      await ds.initialize();
      return;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const fatal = FATAL_CODES[code];
      if (fatal || /invalid url|ENOTFOUND|getaddrinfo/i.test(String((err as Error).message))) {
        throw new StartupError(
          `Cannot use the database at ${redactUrl(opts.url)}: ${fatal ?? (err as Error).message}. Check DATABASE_URL.`,
        );
      }
      if (Date.now() + delay > deadline) {
        throw new StartupError(
          `The database at ${redactUrl(opts.url)} did not answer after ${attempt} attempts (${(err as Error).message}). Is PostgreSQL running? Check DATABASE_URL.`,
        );
      }
      opts.logger.warn(
        { attempt, delayMs: delay, err: (err as Error).message },
        'database not reachable yet; retrying',
      );
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 3000);
    }
  }
}

/** Arbitrary but fixed: one lock id for every OneStop migration run. */
const MIGRATION_LOCK = 7_340_001;

async function migrate(ds: DataSource, schema: string, logger: Logger, mode: 'apply' | 'verify'): Promise<void> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const known = new Set(ds.migrations.map((m) => m.name));
    const table = `${quoteIdent(schema)}.migrations`;
    const hasTable = await runner.query(`SELECT to_regclass($1) AS t`, [`${schema}.migrations`]);
    const applied = new Set<string>();
    if (hasTable[0]?.t) {
      for (const r of (await runner.query(`SELECT name FROM ${table}`)) as { name: string }[]) applied.add(r.name);
      const unknown = [...applied].filter((n) => !known.has(n));
      if (unknown.length) {
        throw new StartupError(
          `The database schema "${schema}" has migrations this build does not know (${unknown.join(', ')}): deploy the build that made them, or restore the matching database.`,
        );
      }
    }
    // Checked before anything is created: a verifying process writes nothing.
    if (mode === 'verify' && [...known].some((n) => n !== undefined && !applied.has(n))) {
      throw new StartupError(
        `The database schema "${schema}" has migrations pending and ONESTOP_MIGRATIONS=verify: run the migration job (node scripts/dist/migrate.js) first.`,
      );
    }
    // Under the lock: concurrent CREATE SCHEMA IF NOT EXISTS can still collide in the catalog.
    await runner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    const done = await ds.runMigrations({ transaction: 'each' });
    if (done.length) logger.info({ schema, migrations: done.map((m) => m.name) }, 'migrations applied');
    const pending = await ds.driver.createSchemaBuilder().log();
    // CHECK constraints live in migrations only (the database guards itself); TypeORM would drop them.
    const drift = pending.upQueries.filter(
      (q) => q.query.includes(`"${schema}".`) && !/DROP CONSTRAINT "[^"]*_check"/.test(q.query),
    );
    if (drift.length) {
      throw new StartupError(
        `Missing migration in schema "${schema}": the entities need ${drift.length} change(s) no migration makes (first: ${drift[0]!.query.slice(0, 120)}). Write a migration for them.`,
      );
    }
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

class CountingLogger {
  constructor(private readonly onQuery: (sql: string) => void) {}
  logQuery(query: string): void {
    this.onQuery(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
