import type { EntityManager } from 'typeorm';
import { employerScope, type Actor, type EventStore, isUuid } from '@onestop/common';
import {
  EVENT_TYPES,
  type CaseStatus,
  type CaseStatusChangedPayload,
  newEvent,
  type EventPayload,
  type EventType,
  type NewEvent,
} from '@onestop/common/contract';
import { CaseTimelineEntity } from './case-timeline.entity.js';
import { CaseEntity } from './case.entity.js';

/** Who made a change: a person (from their token) or another subgraph's event. */
export interface ChangeAuthor {
  id: string | null;
  name: string | null;
}

export function authorOf(actor: Actor): ChangeAuthor {
  return { id: actor.id, name: actor.name };
}

/**
 * Locks one case row for the rest of the transaction (`FOR UPDATE`), so concurrent commands
 * and event handlers on the same case take turns. Returns null when the case does not exist
 * or is outside `scope` (an agency's employers): callers answer NOT_FOUND either way.
 */
export async function lockCase(tx: EntityManager, caseId: string, actor: Actor | null): Promise<CaseEntity | null> {
  if (!isUuid(caseId)) return null;
  const qb = tx
    .getRepository(CaseEntity)
    .createQueryBuilder('c')
    .setLock('pessimistic_write')
    .where('c.id = :id', { id: caseId });
  const scope = actor ? employerScope(actor) : null;
  if (scope) qb.andWhere('c.employerId = ANY(:scope)', { scope: scope.filter(isUuid) });
  return qb.getOne();
}

/**
 * The changes one transaction makes to cases: field updates, status moves, timeline lines and
 * domain events. `commit` writes the timeline in one statement and appends the events last,
 * as the event store requires. Every status move records a timeline line and a
 * `case.status-changed` event, so no move can forget them.
 */
export class CaseChanges {
  private readonly timeline: Omit<CaseTimelineEntity, 'id' | 'case'>[] = [];
  private readonly events: NewEvent[] = [];
  private readonly patches = new Map<CaseEntity, Partial<CaseEntity>>();

  constructor(
    readonly at: Date,
    readonly author: ChangeAuthor,
  ) {}

  /** Changes fields of a case (in memory now, in the database at commit). */
  set(c: CaseEntity, patch: Partial<CaseEntity>): void {
    Object.assign(c, patch);
    this.patches.set(c, { ...(this.patches.get(c) ?? {}), ...patch });
  }

  /** Moves the status: a timeline line and a case.status-changed event. */
  move(c: CaseEntity, to: CaseStatus, action: string, note: string | null = null): void {
    const from = c.status;
    this.set(c, { status: to });
    this.timeline.push(this.line(c, action, from, to, note));
    const payload: CaseStatusChangedPayload = { caseId: c.id, reference: c.reference, from, to, category: c.category };
    this.event(c, EVENT_TYPES.caseStatusChanged, payload);
  }

  /** A timeline line that moves no status. */
  note(c: CaseEntity, action: string, note: string | null = null): void {
    this.timeline.push(this.line(c, action, null, null, note));
  }

  /** A domain event about the case. */
  event<T extends EventType>(c: CaseEntity, type: T, payload: EventPayload<T>, counterId: string | null = null): void {
    this.events.push(
      newEvent<EventType>(type, c.id, payload, {
        employerId: c.employerId,
        counterId,
        actor: this.author,
        at: this.at,
      }),
    );
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

  get empty(): boolean {
    return !this.timeline.length && !this.events.length && !this.patches.size;
  }

  /** Writes the updates and timeline, then appends the events (last in the transaction). */
  async commit(tx: EntityManager, events: EventStore): Promise<void> {
    for (const [c, patch] of this.patches) {
      await tx
        .createQueryBuilder()
        .update(CaseEntity)
        .set({ ...patch, updatedAt: this.at })
        .where('id = :id', { id: c.id })
        .execute();
      c.updatedAt = this.at;
    }
    if (this.timeline.length) await tx.getRepository(CaseTimelineEntity).insert(this.timeline);
    await events.append(tx, this.events);
  }

  private line(
    c: CaseEntity,
    action: string,
    from: string | null,
    to: string | null,
    note: string | null,
  ): Omit<CaseTimelineEntity, 'id' | 'case'> {
    return {
      caseId: c.id,
      at: this.at,
      actorId: this.author.id,
      actorName: this.author.name,
      action,
      fromStatus: from,
      toStatus: to,
      note,
    };
  }
}
