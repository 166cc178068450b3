/**
 * Remembers which event ids a live view has shown, so a replay after reconnecting (`since`
 * the last id) and the overlap with a refetch never show an event twice. Ids are decimal
 * strings of a bigint and increase in commit order; compare them as BigInt.
 */
export class EventDeduper {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  private last: bigint | null = null;
  /** Ids at or below this were remembered once and evicted: still duplicates. */
  private evictedUpTo: bigint | null = null;

  constructor(private readonly capacity = 5000) {}

  /** The highest id accepted so far: the `since` to resubscribe with. */
  get lastId(): string | null {
    return this.last === null ? null : this.last.toString();
  }

  /** True the first time an id is offered; false for a duplicate. */
  accept(id: string): boolean {
    if (this.seen.has(id)) return false;
    let n: bigint;
    try {
      n = BigInt(id);
    } catch {
      n = -1n;
    }
    // Anything at or below a position we already evicted from memory was delivered before.
    if (this.evictedUpTo !== null && n >= 0n && n <= this.evictedUpTo) return false;
    this.seen.add(id);
    this.order.push(id);
    if (n >= 0n && (this.last === null || n > this.last)) this.last = n;
    if (this.order.length > this.capacity) {
      const old = this.order.shift()!;
      this.seen.delete(old);
      try {
        const o = BigInt(old);
        if (this.evictedUpTo === null || o > this.evictedUpTo) this.evictedUpTo = o;
      } catch {
        // non-numeric ids are only deduped while remembered
      }
    }
    return true;
  }

  /** Moves the cursor forward without an event (e.g. a snapshot taken at a known position). */
  advanceTo(id: string): void {
    try {
      const n = BigInt(id);
      if (this.last === null || n > this.last) this.last = n;
    } catch {
      // ignore non-numeric positions
    }
  }
}
