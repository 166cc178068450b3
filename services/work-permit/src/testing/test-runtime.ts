import { createRequire } from 'node:module';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import {
  actorFromClaims,
  CalendarStore,
  ControlledClock,
  createLogger,
  loadCommonConfig,
  openDatabase,
  PgListener,
  platformMigrations,
  PostgresEventStore,
  type OneStopClaims,
  ProcessMetrics,
  type SubgraphRuntime,
} from '@onestop/common';
import { createTestDatabase, type TestDatabase } from '@onestop/common/testing';
import { createContext } from '../context.js';
import { seedDemoEmployers } from '../employer/employer.seed.js';
import { workPermitSubgraph } from '../subgraph.js';

// The schema is built by @apollo/subgraph, which loads graphql as CommonJS; execute with that
// same copy (an ESM import may resolve to graphql's .mjs build under Vite: "another realm").
const { execute, parse } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** The work-permit service layer on a throwaway database, without HTTP: for specs that need the real SQL. */
export interface TestRuntime {
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
  stop(): Promise<void>;
}

/**
 * Builds work-permit's runtime the way startSubgraph does (platform and wp migrations, event
 * store, calendar, demo employers), with `onQuery` seeing every SQL statement the DataSource
 * runs: the statement counter behind the batching specs.
 */
export async function startTestRuntime(opts: { onQuery?: (sql: string) => void } = {}): Promise<TestRuntime> {
  const db = await createTestDatabase('wp');
  const logger = createLogger('work-permit-spec', 'warn');
  const platform = await openDatabase({
    url: db.url,
    schema: 'platform',
    entities: [],
    migrations: platformMigrations,
    logger,
    applicationName: 'wp-spec-migrate',
  });
  await platform.destroy();
  const ds = await openDatabase({
    url: db.url,
    schema: 'wp',
    entities: workPermitSubgraph.entities,
    migrations: workPermitSubgraph.migrations,
    logger,
    applicationName: 'wp-spec',
    onQuery: opts.onQuery,
  });
  const listener = new PgListener(db.url, logger);
  const clock = new ControlledClock();
  const events = new PostgresEventStore({ dataSource: ds, listener, logger, source: 'work-permit' });
  const calendar = new CalendarStore(ds);
  await calendar.reload();
  const config = loadCommonConfig({ NODE_ENV: 'test', DATABASE_URL: db.url });
  const metrics = new ProcessMetrics('work-permit', { processMetrics: false });
  const runtime: SubgraphRuntime = {
    name: 'work-permit',
    config,
    logger,
    ds,
    listener,
    clock,
    events,
    calendar,
    metrics,
  };
  await seedDemoEmployers(ds, clock);
  const schema = await workPermitSubgraph.buildSchema();
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
      const contextValue = createContext(runtime, { actor, requestId: 'spec', logger });
      return (await execute({
        schema,
        document: parse(query),
        variableValues: variables,
        contextValue,
      })) as ExecutionResult<T>;
    },
    async stop() {
      await events.close();
      await listener.close();
      await ds.destroy();
      await db.drop();
    },
  };
}
