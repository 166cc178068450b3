import type { EntityManager } from 'typeorm';
import { BadUserInputError, ConflictError } from '../errors.js';
import { idempotencyKeyProblems } from '../idempotency.js';

/** One attempt of a mutation that carries an idempotency key. */
export interface IdempotentRequest {
  /**
   * Whose key it is: keys are unique per principal. An agency's id for what an agency files or
   * books (any of its API clients may retry), a person's id for officers' and clerks' mutations.
   */
  principal: string;
  key: string;
  /** The mutation (`fileCase`, `bookAppointment` …): the same key for another one is CONFLICT. */
  operation: string;
  /** What makes two attempts "the same request": the arguments without the key. */
  request: unknown;
}

/** What an earlier, committed attempt with the same key was and answered. */
export interface PriorAttempt {
  operation: string;
  /** The earlier attempt asked for exactly this request. */
  sameRequest: boolean;
  /** The id of what it answered (a case, an appointment, a ticket …), or null for "nothing". */
  resultId: string | null;
  /** The request it was made with (canonical JSON), to explain a CONFLICT. */
  request: unknown;
}

/**
 * Canonical JSON of a request: keys sorted at every level, `undefined` left out, dates as ISO
 * instants. Two requests are the same when their canonical forms are equal (PostgreSQL compares
 * the stored `jsonb` the same way).
 */
export function canonicalRequest(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonicalRequest(v)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonicalRequest(v);
    }
    return out;
  }
  return value ?? null;
}

/** BAD_USER_INPUT for a key that breaks the one key rule (`idempotencyKeyProblems`). */
export function assertIdempotencyKey(key: string | null | undefined): asserts key is string {
  const problems = idempotencyKeyProblems(key);
  if (problems.length) throw new BadUserInputError('The idempotency key is not valid', problems);
}

/**
 * The one implementation of idempotent replay (issue 17, decision 0022), for every mutation that
 * takes an idempotency key, in every subgraph: the ledger `platform.idempotency_record`, one row
 * per (subgraph, principal, key).
 *
 * `claim` is a statement of the command's own transaction: the first attempt inserts the row and
 * goes on; a concurrent retry with the same key waits on that row until the first commits and
 * then gets the first's outcome (or, if the first rolled back, inserts the row itself and runs).
 * The same key for another operation or another request is CONFLICT
 * (`reason: IDEMPOTENCY_KEY_REUSED`). `record` stores what the attempt answered, in the same
 * transaction, so a replay can never see a claim without its answer.
 */
export class IdempotencyLedger {
  constructor(private readonly subgraph: string) {}

  /** Null: this is the first attempt, carry it out. Otherwise the earlier attempt's answer. */
  async claim(tx: EntityManager, req: IdempotentRequest, now: Date): Promise<PriorAttempt | null> {
    assertIdempotencyKey(req.key);
    const request = JSON.stringify(canonicalRequest(req.request));
    const inserted: unknown[] = await tx.query(
      `INSERT INTO platform.idempotency_record (subgraph, principal, idempotency_key, operation, request, created_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING RETURNING 1`,
      [this.subgraph, req.principal, req.key, req.operation, request, now],
    );
    if (inserted.length) return null;
    const rows: { operation: string; same: boolean; result_id: string | null; request: unknown }[] = await tx.query(
      `SELECT operation, request = $4::jsonb AS same, result_id, request FROM platform.idempotency_record
        WHERE subgraph = $1 AND principal = $2 AND idempotency_key = $3`,
      [this.subgraph, req.principal, req.key, request],
    );
    const prior = rows[0]!;
    return {
      operation: prior.operation,
      sameRequest: prior.operation === req.operation && prior.same,
      resultId: prior.result_id,
      request: prior.request,
    };
  }

  /** Stores what the claimed attempt answered (an id, or null for "nothing"). */
  async record(tx: EntityManager, req: IdempotentRequest, resultId: string | null): Promise<void> {
    await tx.query(
      `UPDATE platform.idempotency_record SET result_id = $4
        WHERE subgraph = $1 AND principal = $2 AND idempotency_key = $3`,
      [this.subgraph, req.principal, req.key, resultId],
    );
  }
}

/** The CONFLICT for a key reused with another operation or request. */
export function keyReusedError(key: string, prior: PriorAttempt, detail?: string): ConflictError {
  return new ConflictError(
    `The idempotency key ${JSON.stringify(key)} was already used for another request (${prior.operation}${
      detail ? `: ${detail}` : ''
    }); use a new key for a new action.`,
    { reason: 'IDEMPOTENCY_KEY_REUSED' },
  );
}

/** A key kept before the ledger existed, as a subgraph's migration copies it in. */
export interface KeptKey {
  principal: string;
  key: string;
  operation: string;
  /** The request as the command would compute it now (made canonical here), or a stand-in its `sameAs` understands. */
  request: unknown;
  resultId: string | null;
  createdAt: Date;
}

/**
 * Copies keys kept before the ledger into it, in one statement (a migration calls it per batch).
 * A key already in the ledger is left as it is, so a migration that copies keys can run again.
 */
export async function importKeptKeys(
  q: { query(sql: string, params?: unknown[]): Promise<unknown> },
  subgraph: string,
  keys: readonly KeptKey[],
): Promise<void> {
  if (!keys.length) return;
  await q.query(
    `INSERT INTO platform.idempotency_record (subgraph, principal, idempotency_key, operation, request, result_id, created_at)
     SELECT $1, u.principal, u.key, u.operation, u.request::jsonb, u.result_id, u.created_at
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
         AS u(principal, key, operation, request, result_id, created_at)
     ON CONFLICT DO NOTHING`,
    [
      subgraph,
      keys.map((k) => k.principal),
      keys.map((k) => k.key),
      keys.map((k) => k.operation),
      keys.map((k) => JSON.stringify(canonicalRequest(k.request))),
      keys.map((k) => k.resultId),
      keys.map((k) => k.createdAt),
    ],
  );
}
