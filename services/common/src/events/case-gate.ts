import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { InvariantError } from '../errors.js';
import type { DomainEvent, TypedEvent } from './event-store.js';
import { eventDefinition, type EventType } from '../domain/domain-events.js';
import { decodeEvent } from './event-handlers.js';
import { eventColumns, toEvent, type EventRow, type Queryable } from './event-log-queries.js';

/**
 * The gate of a case: serialises commands of different subgraphs that exclude each other on
 * the same case (work-permit's `withdrawCase` and counter-scheduling's `acceptDocuments`,
 * docs/decisions/0006-withdrawal-and-acceptance.md) through the shared database, without
 * either reading the other's tables.
 *
 * The pattern, inside the command's transaction:
 *   1. `await lockCaseGate(tx, caseId)` FIRST, before any row lock (lock order: gate → the
 *      subgraph's own rows → the event log's append lock, taken by `append` at the end);
 *   2. `await lastCaseEvent(tx, caseId, [the other command's event type])`: refuse, writing
 *      nothing, when the other command already committed;
 *   3. make the change and append its event in the same transaction.
 * Whichever of two such commands commits second took the gate after the first committed, so
 * step 2 sees the first one's event in the log, whether or not its own consumers have read it.
 */

/**
 * The advisory-lock key of a case's gate: the first 8 bytes of SHA-256('case-gate:' + caseId),
 * as a signed 64-bit integer with the sign bit set. Always negative, so never one of the
 * platform's fixed lock ids (all non-negative: the migration lock 7_340_001, EVENT_APPEND_LOCK
 * 7_340_002, counter-scheduling's calendar lock 7_340_101); the two-key advisory locks
 * (`pg_advisory_xact_lock(int, int)`) are a separate key space in PostgreSQL. Two cases share
 * a key with odds of about 2^-63: harmless, as they would only take turns.
 */
export function caseGateKey(caseId: string): bigint {
  const digest = createHash('sha256').update(`case-gate:${caseId}`, 'utf8').digest();
  return BigInt.asIntN(64, digest.readBigUInt64BE(0) | (1n << 63n));
}

/**
 * Takes the case's gate for the rest of `tx` (released at commit or rollback). Take it first
 * in the transaction. Needs READ COMMITTED (PostgreSQL's and TypeORM's default): each later
 * statement then reads a snapshot taken after the gate was granted, so it sees what the
 * previous holder committed; under REPEATABLE READ the snapshot would predate the wait.
 */
export async function lockCaseGate(tx: EntityManager, caseId: string): Promise<void> {
  if (!tx.queryRunner?.isTransactionActive) {
    throw new InvariantError(
      'lockCaseGate needs the EntityManager of an open transaction: the gate is held until that transaction ends.',
    );
  }
  const rows: { isolation: string }[] = await tx.query(
    `SELECT current_setting('transaction_isolation') AS isolation, pg_advisory_xact_lock($1::bigint) AS locked`,
    [caseGateKey(caseId).toString()],
  );
  const isolation = rows[0]?.isolation;
  if (isolation !== 'read committed') {
    throw new InvariantError(
      `lockCaseGate needs a READ COMMITTED transaction (this one is ${String(isolation)}): a later snapshot must see what the previous holder of the gate committed.`,
    );
  }
}

/**
 * The newest event of one of `types` about the case (`aggregate_id` = caseId) in the platform
 * event log, or null. Reads the log, the platform's shared contract, never another subgraph's
 * tables; served by `event_log_aggregate_idx (aggregate_id, id)`, walked backwards over the
 * case's own events. Catalogued types come back decoded (an event that does not decode throws
 * EventDecodeError: the command fails loudly rather than decide on a bad record).
 */
export async function lastCaseEvent<T extends EventType>(
  db: Queryable,
  caseId: string,
  types: readonly T[],
): Promise<TypedEvent<T> | null>;
export async function lastCaseEvent<P = Record<string, unknown>>(
  db: Queryable,
  caseId: string,
  types: readonly string[],
): Promise<DomainEvent<P> | null>;
export async function lastCaseEvent(
  db: Queryable,
  caseId: string,
  types: readonly string[],
): Promise<DomainEvent<unknown> | TypedEvent | null> {
  if (!types.length) throw new InvariantError('lastCaseEvent needs at least one event type.');
  const rows = await db.query<EventRow[]>(
    `SELECT ${eventColumns('e')} FROM platform.event_log e
     WHERE e.aggregate_id = $1 AND e.type = ANY ($2::text[])
     ORDER BY e.id DESC
     LIMIT 1`,
    [caseId, [...types]],
  );
  if (!rows[0]) return null;
  const event = toEvent(rows[0]);
  return types.every(isCatalogued) ? decodeEvent(event) : event;
}

function isCatalogued(type: string): boolean {
  return eventDefinition(type) !== undefined;
}
