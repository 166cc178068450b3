import type { EntityManager } from 'typeorm';
import { BadUserInputError, ConflictError, idempotencyKeyProblems, type Actor } from '@onestop/common';

/** A clerk request already made with this idempotency key: what it answered (an id, or null for "nothing"). */
export interface PriorRequest {
  resultId: string | null;
}

/**
 * Idempotency of clerk mutations (issue 12): each may carry an `idempotencyKey`, kept by the
 * dashboard while a request is retried. The first statement of the mutation's transaction
 * claims (clerk, key): a concurrent retry with the same key waits on the key's row until the
 * first commits and then answers what the first did; a failed first attempt rolled its claim
 * back, so the retry runs. The same key for another operation or other arguments is CONFLICT.
 * Without a key the mutation simply runs (API clients that never retry, the simulator).
 */
export async function claimRequest(
  tx: EntityManager,
  actor: Actor,
  key: string | null | undefined,
  operation: string,
  request: Record<string, unknown>,
  now: Date,
): Promise<PriorRequest | null> {
  if (key === null || key === undefined) return null;
  const problems = idempotencyKeyProblems(key);
  if (problems.length) throw new BadUserInputError('The idempotency key is not valid', problems);
  const inserted: unknown[] = await tx.query(
    `INSERT INTO cs.clerk_request (actor_id, idempotency_key, operation, request, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING RETURNING 1`,
    [actor.id, key, operation, JSON.stringify(request), now],
  );
  if (inserted.length) return null;
  const rows: { operation: string; same: boolean; result_id: string | null }[] = await tx.query(
    `SELECT operation, request = $3::jsonb AS same, result_id FROM cs.clerk_request
      WHERE actor_id = $1 AND idempotency_key = $2`,
    [actor.id, key, JSON.stringify(request)],
  );
  const prior = rows[0]!;
  if (prior.operation !== operation || !prior.same) {
    throw new ConflictError(
      `The idempotency key ${JSON.stringify(key)} was already used for another request (${prior.operation}); use a new key for a new action.`,
      { reason: 'IDEMPOTENCY_KEY_REUSED' },
    );
  }
  return { resultId: prior.result_id };
}

/** Records what the request identified by (clerk, key) answered, in its own transaction. */
export async function recordResult(
  tx: EntityManager,
  actor: Actor,
  key: string | null | undefined,
  resultId: string | null,
): Promise<void> {
  if (key === null || key === undefined) return;
  await tx.query(`UPDATE cs.clerk_request SET result_id = $3 WHERE actor_id = $1 AND idempotency_key = $2`, [
    actor.id,
    key,
    resultId,
  ]);
}
