import type { DataSource } from 'typeorm';
import { openDatabase, PgListener, platformMigrations, PostgresEventStore, type Logger } from '@onestop/common';
import { createTestDatabase, type TestDatabase } from '@onestop/common/testing';

type OpenOptions = Parameters<typeof openDatabase>[0];

/**
 * A throwaway PostgreSQL database for counter-scheduling's specs that need real SQL: the
 * platform's migrations applied (event log, idempotency ledger, calendar), then `open` for each
 * "instance" (its own pool) with the subgraph migrations a spec needs. Test tooling only.
 */
export interface CsSpecDatabase {
  db: TestDatabase;
  /** Opens the `cs` schema with these migrations (and entities, which then must match them). */
  open(
    applicationName: string,
    opts: { migrations: OpenOptions['migrations']; entities?: OpenOptions['entities']; poolSize?: number },
  ): Promise<DataSource>;
  /** The event log on `ds`, as counter-scheduling appends to it (one listener for the database). */
  events(ds: DataSource): PostgresEventStore;
  /** Closes every pool, store and listener, and drops the database. */
  close(): Promise<void>;
}

export async function csSpecDatabase(name: string, logger: Logger): Promise<CsSpecDatabase> {
  const db = await createTestDatabase(name);
  const platform = await openDatabase({
    url: db.url,
    schema: 'platform',
    entities: [],
    migrations: platformMigrations,
    logger,
    applicationName: `${name}-platform`,
  });
  await platform.destroy();
  const sources: DataSource[] = [];
  const stores: PostgresEventStore[] = [];
  let listener: PgListener | undefined;
  return {
    db,
    async open(applicationName, opts) {
      const ds = await openDatabase({
        url: db.url,
        schema: 'cs',
        entities: opts.entities ?? [],
        migrations: opts.migrations,
        logger,
        applicationName,
        poolSize: opts.poolSize,
      });
      sources.push(ds);
      return ds;
    },
    events(ds) {
      listener ??= new PgListener(db.url, logger);
      const store = new PostgresEventStore({ dataSource: ds, listener, logger, source: 'counter-scheduling' });
      stores.push(store);
      return store;
    },
    async close() {
      for (const s of stores) await s.close();
      await listener?.close();
      for (const s of sources) if (s.isInitialized) await s.destroy();
      await db.drop();
    },
  };
}
