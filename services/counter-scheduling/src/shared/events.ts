import { EVENT_TYPES, type Actor, type NewEvent } from '@onestop/common';

/** Builds an event to append (the payload type-checked against its contract): explicit scoping (employer, counter) and the acting person. */
export function newEvent<P extends object>(
  type: string,
  aggregateId: string,
  payload: P,
  scope: { employerId: string | null; counterId: string | null; actor: Actor | null; at: Date },
): NewEvent<object> {
  return {
    type,
    aggregateId,
    payload,
    employerId: scope.employerId,
    counterId: scope.counterId,
    actorId: scope.actor?.id ?? null,
    occurredAt: scope.at,
  };
}

/**
 * `counter.load-changed` for each counter whose live load a change touched: the subscription
 * `counterLoadChanged` of every instance recomputes the load from this event.
 */
export function loadChanged(
  counterIds: readonly string[],
  cause: string,
  at: Date,
  actor: Actor | null,
): NewEvent<object>[] {
  return [...new Set(counterIds)].map((counterId) =>
    newEvent(
      EVENT_TYPES.counterLoadChanged,
      counterId,
      { counterId, cause },
      { employerId: null, counterId, actor, at },
    ),
  );
}
