import { type Actor } from '@onestop/common';
import { EVENT_TYPES, newEvent, type NewEvent } from '@onestop/common/contract';

export { newEvent };

/**
 * `counter.load-changed` for each counter whose live load a change touched: the subscription
 * `counterLoadChanged` of every instance recomputes the load from this event.
 */
export function loadChanged(
  counterIds: readonly string[],
  cause: string,
  at: Date,
  actor: Actor | null,
): NewEvent<'counter.load-changed'>[] {
  return [...new Set(counterIds)].map((counterId) =>
    newEvent(
      EVENT_TYPES.counterLoadChanged,
      counterId,
      { counterId, cause },
      { employerId: null, counterId, actor, at },
    ),
  );
}
