import type { EventPayload, EventType } from '../domain/domain-events.js';
import type { NewEvent } from './event-store.js';

/** Who may see an event, who caused it, and when (business time). */
export interface EventScope {
  employerId: string | null;
  counterId: string | null;
  /** null for the system (sweeps, consumers). */
  actor: { id: string | null } | null;
  at: Date;
}

/**
 * Builds an event to append: the payload's type follows from `type` (the catalogue), and the
 * scoping (employer, counter) and the acting person are explicit.
 */
export function newEvent<T extends EventType>(
  type: T,
  aggregateId: string,
  payload: EventPayload<T>,
  scope: EventScope,
): NewEvent<T> {
  const event = {
    type,
    aggregateId,
    payload,
    employerId: scope.employerId,
    counterId: scope.counterId,
    actorId: scope.actor?.id ?? null,
    occurredAt: scope.at,
  };
  // TypeScript cannot relate `{ type: T; payload: EventPayload<T> }` to the union over T.
  return event as NewEvent<T>;
}
