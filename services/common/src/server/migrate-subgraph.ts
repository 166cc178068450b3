import { EnvReader, loadCommonConfig } from '../config.js';
import { StartupError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { RequestContext } from './subgraph-server.js';
import { openSubgraphDatabase, type SubgraphDefinition } from './subgraph-runtime.js';

/**
 * Applies the platform's and one subgraph's pending migrations and returns: what a subgraph
 * does at start-up before it serves, without serving (the containers' one-shot migration job,
 * `node services/<name>/dist/migrate.js`). Same advisory lock, same drift check.
 */
export async function migrateSubgraph<C extends RequestContext>(
  def: SubgraphDefinition<C>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  const config = loadCommonConfig(env);
  const r = new EnvReader(env);
  const logger = createLogger(def.name, config.logLevel);
  const connectTimeoutMs = r.int('DB_CONNECT_TIMEOUT_MS', 30_000, 0, 600_000);
  const ds = await openSubgraphDatabase(def, {
    url: config.databaseUrl,
    logger,
    applicationName: `onestop-${def.name}-migrate`,
    poolSize: 2,
    connectTimeoutMs,
    migrationsMode: 'apply',
  });
  await ds.destroy();
  logger.info({ schema: def.dbSchema }, `${def.name}: migrations up to date`);
}

/** A migrate-only entry point: exit 0 when the schema is up to date, 1 with one line saying why not. */
export function runMigrations<C extends RequestContext>(def: SubgraphDefinition<C>): void {
  migrateSubgraph(def).then(
    () => process.exit(0),
    (err: unknown) => {
      const startup = err instanceof StartupError || (err instanceof Error && err.name === 'StartupError');
      process.stderr.write(`error: ${startup ? (err as Error).message : ((err as Error)?.stack ?? String(err))}\n`);
      process.exit(1);
    },
  );
}
