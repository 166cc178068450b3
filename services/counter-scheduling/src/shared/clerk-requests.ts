import type { EntityManager } from 'typeorm';
import { IdempotencyLedger, keyReusedError, type Actor } from '@onestop/common';

/**
 * A transitional shim (issue 17): `claimRequest` / `recordResult` with their old signatures, now
 * over the one ledger (`platform.idempotency_record`, principal = the clerk's actor id). Counter
 * operations' mutations replay through the CommandPipeline; only the SLA work list's mutations
 * still call these, until they move to CommandSpecs too. Then this file goes.
 */
const ledger = new IdempotencyLedger('counter-scheduling');

/** A clerk request already made with this idempotency key: what it answered (an id, or null for "nothing"). */
export interface PriorRequest {
  resultId: string | null;
}

/**
 * Claims (clerk, key) as the first statement of the mutation's transaction: null to go on;
 * the earlier attempt's answer for a retry (a concurrent retry waits until the first commits);
 * CONFLICT (`IDEMPOTENCY_KEY_REUSED`) for the same key with another operation or arguments.
 * Without a key the mutation simply runs.
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
  const prior = await ledger.claim(tx, { principal: actor.id, key, operation, request }, now);
  if (!prior) return null;
  if (!prior.sameRequest) throw keyReusedError(key, prior);
  return { resultId: prior.resultId };
}

/** Records what the request identified by (clerk, key) answered, in its transaction. */
export async function recordResult(
  tx: EntityManager,
  actor: Actor,
  key: string | null | undefined,
  resultId: string | null,
): Promise<void> {
  if (key === null || key === undefined) return;
  await ledger.record(tx, { principal: actor.id, key, operation: '', request: null }, resultId);
}
