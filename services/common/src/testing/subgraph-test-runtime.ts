import { createRequire } from 'node:module';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import { actorFromClaims, type OneStopClaims } from '../auth/actor.js';
import { CalendarStore } from '../calendar/calendar-store.js';
import { ControlledClock } from '../clock.js';
import { DEMO_AGENCIES } from './demo-identities.js';
import { loadCommonConfig } from '../config.js';
import { PgListener } from '../db/pg-listener.js';
import { PostgresEventStore } from '../events/postgres-event-store.js';
import { createLogger } from '../logger.js';
import { ProcessMetrics } from '../observability/metrics.js';
import type { RequestContext } from '../server/subgraph-server.js';
import { openSubgraphDatabase, type SubgraphDefinition, type SubgraphRuntime } from '../server/subgraph-runtime.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

// The schema is built by @apollo/subgraph, which loads graphql as CommonJS; execute with that
// same copy (an ESM import may resolve to graphql's .mjs build under Vite: "another realm").
const { execute, parse } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** A subgraph's service layer and schema on a throwaway database, without HTTP: for specs that need the real SQL. */
export interface SubgraphTestRuntime {
  db: TestDatabase;
  runtime: SubgraphRuntime;
  clock: ControlledClock;
  schema: GraphQLSchema;
  /** Runs an operation against the subgraph schema as the given claims (null: unauthenticated). */
  exec<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    claims?: OneStopClaims | null,
  ): Promise<ExecutionResult<T>>;
  /**
   * Runs `run` and counts the SQL statements the DataSource sent meanwhile, by the first table
   * of the subgraph's schema each names (FROM, INTO or UPDATE): the batching specs' measure.
   */
  countStatements<T>(run: () => Promise<T>): Promise<{ result: T; byTable: Record<string, number> }>;
  stop(): Promise<void>;
}

/**
 * Builds a subgraph's runtime the way startSubgraph does (platform and subgraph migrations,
 * event store, calendar), without its background work, then `seed`s it; every SQL statement
 * the DataSource runs is seen (`countStatements`, and `onQuery` when given).
 */
export async function startSubgraphTestRuntime<C extends RequestContext>(
  def: SubgraphDefinition<C>,
  opts: { onQuery?: (sql: string) => void; seed?: (runtime: SubgraphRuntime) => Promise<void> } = {},
): Promise<SubgraphTestRuntime> {
  const db = await createTestDatabase(def.dbSchema);
  let counting: string[] | null = null;
  const logger = createLogger(`${def.name}-spec`, 'warn');
  const ds = await openSubgraphDatabase(def, {
    url: db.url,
    logger,
    applicationName: `${def.dbSchema}-spec`,
    onQuery: (sql) => {
      counting?.push(sql);
      opts.onQuery?.(sql);
    },
  });
  const listener = new PgListener(db.url, logger);
  const clock = new ControlledClock();
  const events = new PostgresEventStore({ dataSource: ds, listener, logger, source: def.name });
  const calendar = new CalendarStore(ds);
  await calendar.reload();
  const config = loadCommonConfig({ NODE_ENV: 'test', DATABASE_URL: db.url });
  const metrics = new ProcessMetrics(def.name, { processMetrics: false });
  const runtime: SubgraphRuntime = { name: def.name, config, logger, ds, listener, clock, events, calendar, metrics };
  await opts.seed?.(runtime);
  const schema = await def.buildSchema();
  return {
    db,
    runtime,
    clock,
    schema,
    async exec<T>(
      query: string,
      variables: Record<string, unknown> = {},
      claims: OneStopClaims | null = null,
    ): Promise<ExecutionResult<T>> {
      const actor = claims ? actorFromClaims(claims as unknown as Record<string, unknown>) : null;
      const contextValue = def.createContext(runtime, { actor, requestId: 'spec', logger });
      return (await execute({
        schema,
        document: parse(query),
        variableValues: variables,
        contextValue,
      })) as ExecutionResult<T>;
    },
    async countStatements<T>(run: () => Promise<T>): Promise<{ result: T; byTable: Record<string, number> }> {
      const seen: string[] = [];
      counting = seen;
      let result: T;
      try {
        result = await run();
      } finally {
        counting = null;
      }
      const table = new RegExp(`(?:FROM|INTO|UPDATE)\\s+"?${def.dbSchema}"?\\."?(\\w+)"?`, 'i');
      const byTable: Record<string, number> = {};
      for (const sql of seen) {
        const name = table.exec(sql)?.[1] ?? `other: ${sql.slice(0, 40)}`;
        byTable[name] = (byTable[name] ?? 0) + 1;
      }
      return { result, byTable };
    },
    async stop() {
      await events.close();
      await listener.close();
      await ds.destroy();
      await db.drop();
    },
  };
}

/** The claims of a user of demo agency `i` (entrusted by its two demo employers), for specs. */
export function demoAgencyClaims(i: 0 | 1 = 0): OneStopClaims {
  const a = DEMO_AGENCIES[i];
  return { sub: `agency-${i}-user`, role: 'AGENCY', name: a.name, agencyId: a.id, employerIds: [...a.employerIds] };
}
