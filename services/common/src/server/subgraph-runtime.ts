import type { GraphQLSchema } from 'graphql';
import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import { ForwardedIdentity } from '../auth/tokens.js';
import { advanceSharedClock, createClock, type Clock } from '../clock.js';
import { EnvReader, loadCommonConfig, subgraphSecret, type CommonConfig, type SubgraphName } from '../config.js';
import { openDatabase, type DatabaseOptions } from '../db/database.js';
import { PgListener } from '../db/pg-listener.js';
import { createLogger, type Logger } from '../logger.js';
import { platformMigrations } from '../platform/platform-migrations.js';
import { CalendarStore } from '../calendar/calendar-store.js';
import { EVENT_TYPES } from '../domain/domain-events.js';
import type { EventStore } from '../events/event-store.js';
import { PostgresEventStore } from '../events/postgres-event-store.js';
import { registerDatabaseMetrics } from '../observability/database-metrics.js';
import { startMetricsEndpoint } from '../observability/metrics-endpoint.js';
import { ProcessMetrics } from '../observability/metrics.js';
import { startTracing } from '../observability/tracing.js';
import { startSubgraphServer, type RequestContext, type RunningServer } from './subgraph-server.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Constructor = Function;

/** What a running subgraph process has: its settings, database, clock and logger. */
export interface SubgraphRuntime {
  name: SubgraphName;
  config: CommonConfig;
  logger: Logger;
  ds: DataSource;
  listener: PgListener;
  clock: Clock;
  /** The domain event log (append in your transaction; consume others'). */
  events: EventStore;
  /** The official working-day calendar, reloaded whenever `calendar.changed` is appended. */
  calendar: CalendarStore;
  /** This process's Prometheus registry (served on `/metrics`); background work adds its own families. */
  metrics: ProcessMetrics;
}

/** Everything that makes one subgraph; `startSubgraph` does the rest the same way for all three. */
export interface SubgraphDefinition<C extends RequestContext> {
  name: SubgraphName;
  /** The PostgreSQL schema it owns. */
  dbSchema: string;
  defaultPort: number;
  entities: MixedList<Constructor | string | EntitySchema>;
  migrations: Constructor[];
  /** Builds the federated schema; needs no database, so `pnpm schema` can print it. */
  buildSchema(): Promise<GraphQLSchema>;
  /** Per-request context: the base (actor, request id, logger) plus the subgraph's services and loaders. */
  createContext(runtime: SubgraphRuntime, base: RequestContext): C;
  /** Background work (event consumers, sweepers, reference data). Returns how to stop it. */
  start?(runtime: SubgraphRuntime): Promise<() => Promise<void>>;
}

/**
 * Opens a subgraph's DataSource the one way every runner does (the service, the one-shot
 * migration job, the test runtime): the platform schema's migrations first, on a short-lived
 * connection, then the subgraph's own schema, entities and migrations.
 */
export async function openSubgraphDatabase<C extends RequestContext>(
  def: Pick<SubgraphDefinition<C>, 'dbSchema' | 'entities' | 'migrations'>,
  opts: Omit<DatabaseOptions, 'schema' | 'entities' | 'migrations'>,
): Promise<DataSource> {
  const platform = await openDatabase({
    ...opts,
    schema: 'platform',
    entities: [],
    migrations: platformMigrations,
    applicationName: `${opts.applicationName}-migrate`,
    poolSize: Math.min(opts.poolSize ?? 4, 4),
    onQuery: undefined,
  });
  await platform.destroy();
  return openDatabase({ ...opts, schema: def.dbSchema, entities: def.entities, migrations: def.migrations });
}

/** A started subgraph process. */
export interface StartedSubgraph {
  runtime: SubgraphRuntime;
  server: RunningServer;
  stop(): Promise<void>;
}

/**
 * Starts a subgraph: validates configuration, applies the platform's and the subgraph's
 * migrations, starts its clock, background work and HTTP/WebSocket server.
 */
export async function startSubgraph<C extends RequestContext>(
  def: SubgraphDefinition<C>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<StartedSubgraph> {
  const config = loadCommonConfig(env);
  const r = new EnvReader(env);
  const portVar = `${def.name.toUpperCase().replace(/-/g, '_')}_PORT`;
  const port = r.port(portVar, def.defaultPort);
  const logger = createLogger(def.name, config.logLevel);
  const secret = subgraphSecret(def.name, config.mode, env);
  const migrationsMode = r.oneOf('ONESTOP_MIGRATIONS', ['apply', 'verify'] as const, 'apply');
  const tracing = startTracing(def.name, config.observability);
  const metrics = new ProcessMetrics(def.name);
  const ds = await openSubgraphDatabase(def, {
    url: config.databaseUrl,
    logger,
    applicationName: `onestop-${def.name}`,
    migrationsMode,
    poolSize: r.int('DB_POOL_SIZE', 10, 1, 200),
    connectTimeoutMs: r.int('DB_CONNECT_TIMEOUT_MS', 30_000, 0, 600_000),
  });
  const listener = new PgListener(config.databaseUrl, logger);
  const clock = await createClock(config.mode, ds, listener);
  const events = new PostgresEventStore({ dataSource: ds, listener, logger, source: def.name });
  const calendar = new CalendarStore(ds);
  await calendar.reload();
  const calendarFeed = events.subscribe({ types: [EVENT_TYPES.calendarChanged] });
  void (async () => {
    try {
      for await (const _ of calendarFeed) await calendar.reload();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'calendar feed ended');
    }
  })();
  registerDatabaseMetrics(metrics, ds, def.name);
  const runtime: SubgraphRuntime = { name: def.name, config, logger, ds, listener, clock, events, calendar, metrics };
  const stopBackground = def.start ? await def.start(runtime) : async () => undefined;
  const schema = await def.buildSchema();
  const clockNow = (): { offsetMs: number; now: string } => ({
    offsetMs: clock.now().getTime() - Date.now(),
    now: clock.now().toISOString(),
  });
  const metricsEndpoint = await startMetricsEndpoint(metrics, config.observability.metrics, logger);
  const server = await startSubgraphServer({
    name: def.name,
    schema,
    port,
    host: r.string('HOST', '127.0.0.1'),
    portEnvVar: portVar,
    secret,
    mode: config.mode,
    verifier: new ForwardedIdentity(config.auth),
    logger,
    context: (base) => def.createContext(runtime, base),
    metrics: { registry: metrics, endpoint: metricsEndpoint },
    tracing: tracing.enabled,
    ready: async () => {
      await ds.query('SELECT 1');
      return true;
    },
    dev:
      config.mode === 'production'
        ? undefined
        : {
            getClock: async () => clockNow(),
            advanceClock: async (ms) => {
              const offset = await advanceSharedClock(ds, ms);
              // Wait for our own listener to apply it, so the caller sees the new time here.
              for (let i = 0; i < 100 && clock.now().getTime() - Date.now() < offset - 50; i++) {
                await new Promise((res) => setTimeout(res, 10));
              }
              return clockNow();
            },
          },
  });
  logger.info({ url: server.url }, `${def.name} subgraph ready`);
  return {
    runtime,
    server,
    async stop() {
      await server.close();
      await metricsEndpoint.close();
      await stopBackground();
      calendarFeed.close();
      await events.close();
      await listener.close();
      await ds.destroy();
      await tracing.shutdown();
    },
  };
}
