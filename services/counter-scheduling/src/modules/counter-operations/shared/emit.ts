import type { CommandContext } from '@onestop/common';
import type { EventType, NewEvent } from '@onestop/common/contract';

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
