import type { EntityManager } from 'typeorm';
import {
  FinalDecisionError,
  InvalidTransitionError,
  NotFoundError,
  shanghaiDate,
  InvariantError,
  type Actor,
  type CommandContext,
  type CommandPipeline,
  type CommandSpec,
} from '@onestop/common';
import type { ResidencePermitEntity, ResidencePermitStatus } from './residence-permit.entity.js';
import type { PermitStore } from './residence-permit.store.js';

/** Every command on a permit names the case it is about. */
export interface PermitCommandInput {
  caseId: string;
}

/** The parts of a CommandSpec every command on a permit shares (they do not depend on its result). */
export type PermitTarget<I extends PermitCommandInput> = Pick<
  CommandSpec<I, ResidencePermitEntity, unknown>,
  'load' | 'resource' | 'notFound' | 'subject'
>;

/**
 * The target of a command on a permit: the permit of the case, locked; scoped by its employer
 * (an agency acting for another employer gets NOT_FOUND, as if the case did not exist); its
 * events are about the case.
 */
export function permitTarget<I extends PermitCommandInput>(permits: PermitStore): PermitTarget<I> {
  return {
    load: (tx, input) => permits.lockByCase(tx, input.caseId),
    resource: (permit) => ({ employerId: permit.employerId }),
    notFound: (input) => new NotFoundError('Residence permit of case', input.caseId),
    subject: (permit) => ({ aggregateId: permit.caseId, employerId: permit.employerId }),
  };
}

/**
 * The permit of a case, for a reaction to another subgraph's fact about it (a system command,
 * run in the consumer's transaction). A case this subgraph has no permit for throws
 * {@link NoPermitForCase}, which the consumer logs and skips.
 */
export function reactionTarget<I extends PermitCommandInput>(permits: PermitStore): PermitTarget<I> {
  return { ...permitTarget<I>(permits), notFound: (input) => new NoPermitForCase(input.caseId) };
}

/** A fact about a case this subgraph never saw filed (see {@link reactionTarget}). */
export class NoPermitForCase extends Error {
  constructor(readonly caseId: string) {
    super(`No residence permit for case ${caseId}`);
  }
}

/** The person running a command (officers', clerks' and agencies' commands are never the system's). */
export function personOf(cx: CommandContext): Actor {
  if (!cx.actor) throw new InvariantError('a person’s command run by the system');
  return cx.actor;
}

/** Statuses before a decision: most commands run only in these. */
export const OPEN_STATUSES: readonly ResidencePermitStatus[] = ['AWAITING_DOCUMENTS', 'UNDER_REVIEW'];

/**
 * The declared rule of a command on a permit (its `rules`): a refusal is final whatever the
 * command (FINAL_DECISION); otherwise the status must be one of `allowedIn` (INVALID_TRANSITION
 * saying why not). `what` is what the command does, for the message ("record materials").
 */
export function allowedIn(
  statuses: readonly ResidencePermitStatus[],
  what: string,
): (permit: ResidencePermitEntity) => void {
  return (permit) => {
    if (permit.status === 'REFUSED') {
      const on = permit.decidedAt ? ` on ${shanghaiDate(permit.decidedAt)}` : '';
      throw new FinalDecisionError(
        `The residence permit of case ${permit.caseReference} was refused${on}. A refusal is final (seed §6.5): you cannot ${what} any more.`,
      );
    }
    if (statuses.includes(permit.status)) return;
    const why: Record<ResidencePermitStatus, string> = {
      AWAITING_DOCUMENTS: 'the counter has not accepted the documents yet',
      UNDER_REVIEW: 'the documents were already accepted at the counter',
      ISSUED: `the residence permit was already issued (${permit.permitNumber ?? ''})`,
      REFUSED: 'the residence permit was refused',
      WITHDRAWN: 'the case was withdrawn',
    };
    throw new InvalidTransitionError(`Cannot ${what} for case ${permit.caseReference}: ${why[permit.status]}.`, {
      status: permit.status,
    });
  };
}

/** The durable consumer of other subgraphs' case events: its position in the event log is stored under it. */
export const CASE_EVENTS_CONSUMER = 'residence-permit.case-events';

/**
 * Runs a reaction to another subgraph's fact about a case as a system command in the consumer's
 * transaction. False when this subgraph has no permit for the case (nothing was written): the
 * caller decides whether that is worth a log line.
 */
export async function reactToCase<I extends PermitCommandInput, R>(
  commands: CommandPipeline,
  tx: EntityManager,
  spec: CommandSpec<I, ResidencePermitEntity, R>,
  input: I,
): Promise<boolean> {
  try {
    await commands.runIn(tx, { kind: 'system', name: CASE_EVENTS_CONSUMER }, spec, input);
    return true;
  } catch (err) {
    if (err instanceof NoPermitForCase) return false;
    throw err;
  }
}
