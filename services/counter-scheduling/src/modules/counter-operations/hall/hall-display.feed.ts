import { type EventSubscription, type SubgraphRuntime } from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import type { HallDisplayService, HallDisplayValue } from './hall-display.service.js';

/**
 * The stream behind `Subscription.hallDisplayChanged`: every `counter.load-changed` of the
 * counter (appended with each call, recall, start, completion, check-in) recomputes the
 * display; a push identical to the previous one is skipped. Each push carries the id of the
 * event that caused it, for `since` after a reconnect. A hall has one or two screens per
 * counter, so there is no shared cache as for the load.
 */
export class HallDisplayFeed implements AsyncIterableIterator<HallDisplayValue> {
  private readonly sub: EventSubscription;
  private last = '';

  constructor(
    rt: SubgraphRuntime,
    private readonly hall: HallDisplayService,
    private readonly counterId: string,
    since: string | undefined,
  ) {
    this.sub = rt.events.subscribe({
      since,
      types: [EVENT_TYPES.counterLoadChanged],
      filter: (e) => e.counterId === counterId,
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<HallDisplayValue, undefined>> {
    for (;;) {
      const r = await this.sub.next();
      if (r.done) return { done: true, value: undefined };
      const display = await this.hall.display(this.counterId);
      if (!display) continue;
      const key = JSON.stringify([display.calls, display.waiting]);
      if (key === this.last) continue;
      this.last = key;
      return { done: false, value: { ...display, eventId: r.value.id } };
    }
  }

  async return(): Promise<IteratorResult<HallDisplayValue, undefined>> {
    this.sub.close();
    return { done: true, value: undefined };
  }

  async throw(err?: unknown): Promise<IteratorResult<HallDisplayValue, undefined>> {
    this.sub.close();
    throw err;
  }
}
