import type { DomainEvent } from './event-store.js';

/** The NOTIFY channel of the `platform.event_log` insert trigger; the payload is the highest new id. */
export const EVENTS_CHANNEL = 'onestop_events';

/** Anything that runs SQL: a DataSource, or the EntityManager of a transaction. */
export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

export interface EventRow {
  id: string;
  type: string;
  source: string;
  aggregate_id: string;
  employer_id: string | null;
  counter_id: string | null;
  payload: Record<string, unknown>;
  actor_id: string | null;
  occurred_at: Date;
  recorded_at: Date;
}

/** The select list that {@link toEvent} maps, with columns qualified by `alias`. */
export function eventColumns(alias: string): string {
  const a = `${alias}.`;
  return `${a}id::text AS id, ${a}type, ${a}source, ${a}aggregate_id, ${a}employer_id, ${a}counter_id, ${a}payload, ${a}actor_id, ${a}occurred_at, ${a}recorded_at`;
}

export function toEvent<P>(r: EventRow): DomainEvent<P> {
  return {
    id: r.id,
    type: r.type,
    source: r.source,
    aggregateId: r.aggregate_id,
    employerId: r.employer_id,
    counterId: r.counter_id,
    payload: r.payload as P,
    actorId: r.actor_id,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
  };
}

/** What one read of the log returns. */
export interface Batch {
  /** At most `limit` events with id > after, in id order. */
  events: DomainEvent[];
  /**
   * The highest committed id in the same snapshot. Because ids are assigned in commit order,
   * no event with an id at or below it can still appear: when the batch is not full, a
   * reader may move its cursor straight to `head`, past events the type filter left out.
   */
  head: bigint;
}

/**
 * Reads events after `after` and the log's head in ONE statement, hence one snapshot. Two
 * statements would not do: an event committed between them would be skipped.
 */
export async function readBatch(
  db: Queryable,
  after: bigint,
  limit: number,
  types: readonly string[] | undefined,
): Promise<Batch> {
  const rows = await db.query<(Partial<EventRow> & { head: string })[]>(
    `WITH head AS (SELECT coalesce(max(id), 0) AS head FROM platform.event_log),
          e AS (
            SELECT * FROM platform.event_log
            WHERE id > $1 AND ($3::text[] IS NULL OR type = ANY ($3::text[]))
            ORDER BY id
            LIMIT $2)
     SELECT head.head::text AS head, ${eventColumns('e')}
     FROM head LEFT JOIN e ON true
     ORDER BY e.id`,
    [after.toString(), limit, types ? [...types] : null],
  );
  const head = BigInt(rows[0]?.head ?? '0');
  const events = rows
    .filter((r) => r.id !== null && r.id !== undefined)
    .map((r) => toEvent<Record<string, unknown>>(r as EventRow));
  return { events, head };
}

export async function readHead(db: Queryable): Promise<bigint> {
  const rows = await db.query<{ head: string }[]>('SELECT coalesce(max(id), 0)::text AS head FROM platform.event_log');
  return BigInt(rows[0]?.head ?? '0');
}

/** Parses an event id given by a caller; throws `makeError(message)` when it is not one. */
export function parseEventId(value: string, what: string, makeError: (message: string) => Error): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,18})$/.test(value)) {
    throw makeError(
      `${what} must be an event id (a whole number as a string, e.g. "0" or "1234"), got ${JSON.stringify(value)}`,
    );
  }
  return BigInt(value);
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
