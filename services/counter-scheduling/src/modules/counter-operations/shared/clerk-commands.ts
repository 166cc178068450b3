import type { EntityManager } from 'typeorm';
import { lockCaseGate, NotFoundError, type CommandIdempotency, type CommandSpec } from '@onestop/common';

/** What a clerk's command at their counter takes: the counter, and the key the dashboard keeps while it retries. */
export interface AtCounter {
  counterId: string;
  idempotencyKey?: string | null;
}

/**
 * The idempotency of a clerk's mutation (issue 12, now on the ledger): the clerk's own key
 * (principal = the actor's id), the operation and the request exactly as `cs.clerk_request`
 * kept them before the ledger, so keys copied from there still replay.
 */
export function clerkKey<I extends { idempotencyKey?: string | null }, R>(
  request: (input: I) => Record<string, unknown>,
  resultId: (result: R) => string | null,
  replay: (tx: EntityManager, resultId: string | null, input: I) => Promise<R>,
): CommandIdempotency<I, R> {
  return { key: (input) => input.idempotencyKey, request, resultId, replay };
}

/** The target part of a command on a case at the clerk's counter: the case's gate, then its row (decision 0006). */
export function gatedCaseTarget<
  I extends AtCounter & { caseId: string },
  T extends { caseId: string; employerId: string | null },
>(
  load: (tx: EntityManager, caseId: string) => Promise<T | null>,
): Pick<CommandSpec<I, T, unknown>, 'load' | 'resource' | 'notFound' | 'subject'> {
  return {
    // Lock order: the gate, then the case → what the command writes → number sequence → event log.
    load: async (tx, { caseId }) => {
      await lockCaseGate(tx, caseId);
      return load(tx, caseId);
    },
    resource: (_kase, { counterId }) => ({ counterId }),
    notFound: ({ caseId }) => new NotFoundError('Case', caseId),
    subject: (kase, { counterId }) => ({ aggregateId: kase.caseId, employerId: kase.employerId, counterId }),
  };
}

/**
 * The target part of a command on a window of a counter: the window's lock (one action per
 * window at a time; `lockFirst` takes what must come before it, e.g. the clerk's).
 */
export function windowTarget<I extends AtCounter & { window: number }>(
  lockFirst?: (tx: EntityManager, input: I) => Promise<void>,
): Pick<CommandSpec<I, I, unknown>, 'load' | 'resource' | 'notFound' | 'subject'> {
  return {
    load: async (tx, input) => {
      await lockFirst?.(tx, input);
      await lockWindow(tx, input.counterId, input.window);
      return input;
    },
    resource: ({ counterId }) => ({ counterId }),
    notFound: ({ counterId }) => new NotFoundError('ServiceCounter', counterId),
    subject: ({ counterId }) => ({ aggregateId: counterId, employerId: null, counterId }),
  };
}

/** The lock of a window: one action per window at a time (`callNext`, opening and closing it). */
export async function lockWindow(tx: EntityManager, counterId: string, window: number): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('cs.window'), hashtext($1))`, [`${counterId}#${window}`]);
}
