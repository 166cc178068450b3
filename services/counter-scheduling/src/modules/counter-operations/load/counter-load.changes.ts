import { type EventStore } from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';

/** One `counter.load-changed` event, as the load feeds need it. */
export interface LoadChange {
  id: bigint;
  counterId: string | null;
}

/** Ranges remembered; every subscriber of a batch asks for the same few. */
const REMEMBERED_RANGES = 256;
const PAGE = 1000;

/**
 * The `counter.load-changed` events in a range of the log, shared by every load feed of the
 * process: a feed labelling a snapshot needs to know which changes lie between the event that
 * caused it and the log head it reflects, and all subscribers of one batch ask about the same
 * range, so one read answers them all.
 */
export class CounterLoadChanges {
  private readonly ranges = new Map<string, Promise<LoadChange[]>>();
  /** How many reads ran (for tests and benchmarks). */
  reads = 0;

  constructor(private readonly events: Pick<EventStore, 'readAfter'>) {}

  /** The changes with `after` < id ≤ `upTo`, in id order. */
  between(after: bigint, upTo: bigint): Promise<LoadChange[]> {
    if (upTo <= after) return Promise.resolve([]);
    const key = `${after}:${upTo}`;
    let found = this.ranges.get(key);
    if (!found) {
      found = this.read(after, upTo);
      found.catch(() => this.ranges.delete(key));
      this.ranges.set(key, found);
      if (this.ranges.size > REMEMBERED_RANGES) this.ranges.delete(this.ranges.keys().next().value!);
    }
    return found;
  }

  private async read(after: bigint, upTo: bigint): Promise<LoadChange[]> {
    const out: LoadChange[] = [];
    for (let from = after; ;) {
      this.reads++;
      const page = await this.events.readAfter(from.toString(), {
        types: [EVENT_TYPES.counterLoadChanged],
        limit: PAGE,
      });
      for (const e of page) {
        const id = BigInt(e.id);
        if (id > upTo) return out;
        out.push({ id, counterId: e.counterId });
      }
      if (page.length < PAGE) return out;
      from = BigInt(page[page.length - 1]!.id);
    }
  }
}
