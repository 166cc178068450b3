import type { CounterLoadValue } from './counter-load.service.js';

/** A computed load and the event id up to which it is known to be current. */
export interface VersionedLoad {
  load: CounterLoadValue;
  version: bigint;
}

interface Entry {
  /** Every event id up to here had been committed when the computation started. */
  floor: bigint;
  /** Known once computed: the head of the log in the computation's snapshot. */
  version: bigint | undefined;
  promise: Promise<VersionedLoad | null>;
}

/**
 * Per-process coalescing of load computations for the `counterLoadChanged` subscriptions.
 *
 * Every subscriber asks for "the load of counter X, reflecting event E". A computation
 * reflects every event committed before its SQL statement started, so it can answer any
 * subscriber whose event was delivered (hence committed) before it started, and, once done,
 * any event up to the log head it read. 5,000 subscribers on one counter receiving a batch
 * of events share one computation per counter per batch instead of running 5,000 queries.
 */
export class CounterLoadCache {
  private readonly entries = new Map<string, Entry>();
  /** The highest event id any subscriber has asked about: all ids up to it are committed. */
  private delivered = 0n;
  /** How many computations ran (for tests and benchmarks). */
  computations = 0;

  constructor(private readonly compute: (counterId: string) => Promise<CounterLoadValue | null>) {}

  /** The load of `counterId` reflecting at least event `eventId` (an event already delivered). */
  get(counterId: string, eventId: bigint): Promise<VersionedLoad | null> {
    if (eventId > this.delivered) this.delivered = eventId;
    const e = this.entries.get(counterId);
    if (e && (e.floor >= eventId || (e.version !== undefined && e.version >= eventId))) return e.promise;
    const floor = this.delivered;
    this.computations++;
    const entry: Entry = { floor, version: undefined, promise: Promise.resolve(null) };
    entry.promise = this.compute(counterId).then((load) => {
      if (!load) {
        this.forget(counterId, entry);
        return null;
      }
      const head = BigInt(load.eventId);
      entry.version = head > floor ? head : floor;
      return { load, version: entry.version };
    });
    entry.promise.catch(() => this.forget(counterId, entry));
    this.entries.set(counterId, entry);
    return entry.promise;
  }

  private forget(counterId: string, entry: Entry): void {
    if (this.entries.get(counterId) === entry) this.entries.delete(counterId);
  }
}
