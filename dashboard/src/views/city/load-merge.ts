/** Compares two event-log positions (decimal strings of a bigint). */
export function compareEventIds(a: string, b: string): number {
  try {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  } catch {
    return a.localeCompare(b);
  }
}

/**
 * Per counter, the newest of the snapshot's figures and the pushed ones, by the event-log
 * position each reflects: a refetch older than a push never rolls a counter back, and a push
 * replayed after a reconnect never counts twice (the figures are replaced, not added).
 */
export function mergeLoads<T extends { counterId: string; eventId: string }>(
  snapshot: readonly T[],
  pushed: ReadonlyMap<string, T>,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const l of snapshot) out.set(l.counterId, l);
  for (const [id, l] of pushed) {
    const s = out.get(id);
    if (!s || compareEventIds(l.eventId, s.eventId) >= 0) out.set(id, l);
  }
  return out;
}
