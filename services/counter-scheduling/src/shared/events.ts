import type { Actor, CommandContext } from '@onestop/common';
import { EVENT_TYPES, newEvent, type EventType, type NewEvent } from '@onestop/common/contract';

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

/**
 * Hands events built by the areas' payload helpers (`newEvent`, `loadChanged`, the queue's
 * `finishTickets` …) to the running command's `emit`, in order: the pipeline appends them last,
 * in the command's transaction, with the command's actor and time.
 */
export function emitAll(cx: Pick<CommandContext, 'emit'>, events: readonly NewEvent[]): void {
  for (const e of events) emitOne(cx, e);
}

function emitOne<T extends EventType>(cx: Pick<CommandContext, 'emit'>, e: NewEvent<T>): void {
  cx.emit(e.type, e.payload, { aggregateId: e.aggregateId, employerId: e.employerId, counterId: e.counterId });
}
