import type { DataSource } from 'typeorm';
import type { ProcessMetrics } from './metrics.js';

/** The parts of a `pg` Pool the gauges read. */
interface PgPoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/** The database pool's connections by state, read when Prometheus scrapes (every process with a pool). */
export function registerPoolMetrics(metrics: ProcessMetrics, ds: DataSource): void {
  // TypeORM's PostgresDriver keeps the pg Pool as `master` (typed `any` there, absent from `Driver`).
  const pool = (): PgPoolStats | undefined =>
    'master' in ds.driver ? (ds.driver.master as PgPoolStats | undefined) : undefined;
  metrics.gauge({
    name: 'onestop_db_pool_connections',
    help: 'Connections of the database pool, by state (in_use, idle, waiting requests, max).',
    labelNames: ['state'],
    collect() {
      const p = pool();
      if (!p) return;
      this.set({ state: 'in_use' }, p.totalCount - p.idleCount);
      this.set({ state: 'idle' }, p.idleCount);
      this.set({ state: 'waiting' }, p.waitingCount);
      this.set({ state: 'max' }, p.options?.max ?? 0);
    },
  });
}

/**
 * Database pool use and event-log consumer lag, read when Prometheus scrapes (nothing on the
 * request path): the pool's connections by state, and for each of this subgraph's named
 * consumers (`<subgraph>.<name>`) how many log positions it is behind the head.
 */
export function registerDatabaseMetrics(metrics: ProcessMetrics, ds: DataSource, consumerPrefix: string): void {
  registerPoolMetrics(metrics, ds);
  const lag = metrics.gauge({
    name: 'onestop_event_consumer_lag',
    help: 'Event-log positions a durable consumer is behind the head of platform.event_log.',
    labelNames: ['consumer'],
  });
  const position = metrics.gauge({
    name: 'onestop_event_consumer_position',
    help: 'The last event-log id a durable consumer committed.',
    labelNames: ['consumer'],
  });
  metrics.gauge({
    name: 'onestop_event_log_head',
    help: 'The highest id in platform.event_log.',
    async collect() {
      if (!ds.isInitialized) return;
      const rows: { consumer: string; position: string; head: string }[] = await ds
        .query(
          `SELECT c.consumer, c.position::text AS position,
                  (SELECT coalesce(max(id), 0) FROM platform.event_log)::text AS head
             FROM platform.consumer_offset c WHERE c.consumer LIKE $1`,
          [`${consumerPrefix}.%`],
        )
        .catch(() => []);
      for (const r of rows) {
        lag.set({ consumer: r.consumer }, Math.max(0, Number(r.head) - Number(r.position)));
        position.set({ consumer: r.consumer }, Number(r.position));
      }
      if (rows[0]) this.set(Number(rows[0].head));
      else {
        const head: { head: string }[] = await ds
          .query('SELECT coalesce(max(id), 0)::text AS head FROM platform.event_log')
          .catch(() => []);
        if (head[0]) this.set(Number(head[0].head));
      }
    },
  });
}
