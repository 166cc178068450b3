import type { EntityManager } from 'typeorm';
import { NotFoundError, type CommandContext, type EventSubject, type Resource } from '@onestop/common';
import {
  EVENT_TYPES,
  type CaseStatus,
  type CaseStatusChangedPayload,
  type EventPayload,
  type EventType,
} from '@onestop/common/contract';
import type { CaseEntity } from './case.entity.js';
import { lockCase, writeCaseChanges, type TimelineLine } from './case.store.js';

/** Who made a change, as the timeline names them: a person, or the subgraph whose fact was applied. */
export interface ChangeAuthor {
  id: string | null;
  name: string | null;
}

/** The author of a command's timeline lines: the person, or the system with the fact it applies. */
export function authorOf(cx: CommandContext): ChangeAuthor {
  const a = cx.author;
  return a.kind === 'person' ? { id: a.actor.id, name: a.actor.name } : { id: a.cause?.actorId ?? null, name: a.name };
}

/**
 * The target part of a CommandSpec on one case: `load` locks it by id, `resource` scopes it by its
 * employer, and a missing or out-of-scope case is NOT_FOUND `Case` (the same answer on purpose).
 */
export const ON_CASE = {
  load: (tx: EntityManager, input: { caseId: string }): Promise<CaseEntity | null> => lockCase(tx, input.caseId),
  resource: (c: CaseEntity): Resource => ({ employerId: c.employerId }),
  notFound: (input: { caseId: string }): Error => new NotFoundError('Case', input.caseId),
  subject: (c: CaseEntity): EventSubject => ({ aggregateId: c.id, employerId: c.employerId }),
};

/**
 * What one command changes on cases, inside the pipeline's execute step: field updates, status
 * moves, timeline lines, and its events through `cx.emit` (the pipeline appends them last).
 * Every status move records a timeline line and a `case.status-changed` event, so no move can
 * forget them; `save` writes the updates and the timeline.
 */
export class CaseChanges {
  private readonly timeline: TimelineLine[] = [];
  private readonly patches = new Map<CaseEntity, Partial<CaseEntity>>();
  readonly author: ChangeAuthor;

  constructor(private readonly cx: CommandContext) {
    this.author = authorOf(cx);
  }

  /** Business time of the change (the command's). */
  get at(): Date {
    return this.cx.now;
  }

  /** Changes fields of a case (in memory now, in the database at save). */
  set(c: CaseEntity, patch: Partial<CaseEntity>): void {
    Object.assign(c, patch);
    this.patches.set(c, { ...(this.patches.get(c) ?? {}), ...patch });
  }

  /** Moves the status: a timeline line and a case.status-changed event. */
  move(c: CaseEntity, to: CaseStatus, action: string, note: string | null = null): void {
    const from = c.status;
    this.set(c, { status: to });
    this.timeline.push(this.line(c, action, from, to, note));
    this.event(c, EVENT_TYPES.caseStatusChanged, {
      caseId: c.id,
      reference: c.reference,
      from,
      to,
      category: c.category,
    });
  }

  /** A timeline line that moves no status. */
  note(c: CaseEntity, action: string, note: string | null = null): void {
    this.timeline.push(this.line(c, action, null, null, note));
  }

  /** A domain event about the case (with the counter it happened at, if any). */
  event<T extends EventType>(c: CaseEntity, type: T, payload: EventPayload<T>, counterId: string | null = null): void {
    this.cx.emit(type, payload, { aggregateId: c.id, employerId: c.employerId, counterId });
  }

  /** Timeline line for the very first status (the filing): from nothing to SUBMITTED. */
  filed(c: CaseEntity, note: string | null): void {
    this.timeline.push(this.line(c, 'FILED', null, c.status, note));
    const payload: CaseStatusChangedPayload = {
      caseId: c.id,
      reference: c.reference,
      from: 'NONE',
      to: c.status,
      category: c.category,
    };
    this.event(c, EVENT_TYPES.caseStatusChanged, payload);
  }

  /** Writes the updates and the timeline (the events are the pipeline's). */
  save(): Promise<void> {
    return writeCaseChanges(this.cx.tx, this.cx.now, this.patches, this.timeline);
  }

  private line(
    c: CaseEntity,
    action: string,
    from: string | null,
    to: string | null,
    note: string | null,
  ): TimelineLine {
    const { id: actorId, name: actorName } = this.author;
    return { caseId: c.id, at: this.at, actorId, actorName, action, fromStatus: from, toStatus: to, note };
  }
}

/** The execute step of a case command: `change` records what changes, then it is written. */
export async function changeCase<R>(cx: CommandContext, change: (changes: CaseChanges) => R | Promise<R>): Promise<R> {
  const changes = new CaseChanges(cx);
  const result = await change(changes);
  await changes.save();
  return result;
}
