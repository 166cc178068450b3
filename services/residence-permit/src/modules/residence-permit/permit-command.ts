import type { EntityManager } from 'typeorm';
import {
  can,
  isUuid,
  FinalDecisionError,
  InvalidTransitionError,
  NotFoundError,
  shanghaiDate,
  type Action,
  type Actor,
  type SubgraphRuntime,
} from '@onestop/common';
import { newEvent, type EventPayload, type EventType } from '@onestop/common/contract';
import { ResidencePermitEntity, type ResidencePermitStatus } from './residence-permit.entity.js';

/** An event a command wants appended; the runner adds the case, employer, actor and time. */
export type EventDraft = {
  [T in EventType]: { type: T; payload: EventPayload<T>; counterId?: string | null };
}[EventType];

/** What a change hands back: its result and the events that record it (empty: nothing changed). */
export interface ChangeResult<T> {
  result: T;
  events: EventDraft[];
}

/** What one command needs to say about itself. */
export interface CommandSpec<T = unknown> {
  action: Action;
  /** The statuses in which the command may run. */
  allowedIn: readonly ResidencePermitStatus[];
  /** What the command does, for error messages ("record materials"). */
  what: string;
  /**
   * For a command a client may retry after a lost response: under the permit's lock and after
   * the scope check, but before the status check, returns the original result when this request
   * was already carried out (by an earlier attempt with the same idempotency key, or because the
   * permit already holds exactly what it asks for: the same decision, the same outcome), so
   * nothing is written and no event appended; throws when it contradicts what was done (CONFLICT
   * for a reused key, INVALID_TRANSITION naming what was recorded); or returns null to go on to
   * the status check and the change. Before the status check on purpose: a retry that arrives
   * after the permit was decided still gets its original answer. After the scope check on
   * purpose: an actor out of scope learns nothing from it.
   */
  replay?: (permit: ResidencePermitEntity, tx: EntityManager) => Promise<T | null>;
}

/** Statuses before a decision: most commands run only in these. */
export const OPEN_STATUSES: readonly ResidencePermitStatus[] = ['AWAITING_DOCUMENTS', 'UNDER_REVIEW'];

/**
 * Runs every change to a residence permit the same way, in one transaction:
 * lock the permit row (`FOR UPDATE`: concurrent commands on one case take turns) → scope (an
 * agency acting for another employer gets NOT_FOUND, as if the case did not exist) → the replay
 * of a request already carried out answers with its original result, changing nothing → a
 * refusal is final (FINAL_DECISION, before any change) → the status allows the command
 * (INVALID_TRANSITION) → the change → its events, appended last. A failure anywhere rolls back the change and its
 * events together.
 */
export class PermitCommands {
  constructor(private readonly runtime: SubgraphRuntime) {}

  async run<T>(
    actor: Actor,
    caseId: string,
    spec: CommandSpec<T>,
    change: (permit: ResidencePermitEntity, tx: EntityManager, now: Date) => Promise<ChangeResult<T>>,
  ): Promise<T> {
    if (!isUuid(caseId)) throw new NotFoundError('Residence permit of case', caseId);
    return this.runtime.ds.transaction(async (tx) => {
      const permit = await tx
        .getRepository(ResidencePermitEntity)
        .findOne({ where: { caseId }, lock: { mode: 'pessimistic_write' } });
      if (!permit || !can(actor, spec.action, { employerId: permit.employerId }))
        throw new NotFoundError('Residence permit of case', caseId);
      const replayed = spec.replay ? await spec.replay(permit, tx) : null;
      if (replayed !== null) return replayed;
      assertAllowed(permit, spec);
      const now = this.runtime.clock.now();
      const { result, events } = await change(permit, tx, now);
      if (events.length) {
        await this.runtime.events.append(
          tx,
          events.map((e) =>
            newEvent(e.type, permit.caseId, e.payload, {
              employerId: permit.employerId,
              counterId: e.counterId ?? null,
              actor,
              at: now,
            }),
          ),
        );
      }
      return result;
    });
  }
}

/** FINAL_DECISION for a refused permit whatever the command; INVALID_TRANSITION when the status does not allow it. */
export function assertAllowed(permit: ResidencePermitEntity, spec: CommandSpec): void {
  if (permit.status === 'REFUSED') {
    const on = permit.decidedAt ? ` on ${shanghaiDate(permit.decidedAt)}` : '';
    throw new FinalDecisionError(
      `The residence permit of case ${permit.caseReference} was refused${on}. A refusal is final (seed §6.5): you cannot ${spec.what} any more.`,
    );
  }
  if (spec.allowedIn.includes(permit.status)) return;
  const why: Record<ResidencePermitStatus, string> = {
    AWAITING_DOCUMENTS: 'the counter has not accepted the documents yet',
    UNDER_REVIEW: 'the documents were already accepted at the counter',
    ISSUED: `the residence permit was already issued (${permit.permitNumber ?? ''})`,
    REFUSED: 'the residence permit was refused',
    WITHDRAWN: 'the case was withdrawn',
  };
  throw new InvalidTransitionError(`Cannot ${spec.what} for case ${permit.caseReference}: ${why[permit.status]}.`, {
    status: permit.status,
  });
}
