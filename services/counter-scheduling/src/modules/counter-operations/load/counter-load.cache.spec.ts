import { describe, expect, it } from 'vitest';
import { CounterLoadCache } from './counter-load.cache.js';
import type { CounterLoadValue } from './counter-load.service.js';

/** A compute function whose calls the test resolves by hand. */
function controlled() {
  const calls: { counterId: string; resolve: (head: string) => void; reject: (e: Error) => void }[] = [];
  const compute = (counterId: string): Promise<CounterLoadValue | null> =>
    new Promise((resolve, reject) =>
      calls.push({
        counterId,
        resolve: (head) => resolve({ counterId, eventId: head, waiting: calls.length } as unknown as CounterLoadValue),
        reject,
      }),
    );
  return { calls, compute };
}

describe('CounterLoadCache', () => {
  it('answers 5,000 subscribers of one event with one computation', async () => {
    const { calls, compute } = controlled();
    const cache = new CounterLoadCache(compute);
    const pending = Array.from({ length: 5000 }, () => cache.get('dongcheng', 10n));
    expect(calls).toHaveLength(1);
    calls[0]!.resolve('10');
    const results = await Promise.all(pending);
    expect(new Set(results).size).toBe(1);
    expect(cache.computations).toBe(1);
  });

  it('reuses a finished computation for every event up to the log head it read (one per batch)', async () => {
    const { calls, compute } = controlled();
    const cache = new CounterLoadCache(compute);
    const first = cache.get('dongcheng', 10n);
    calls[0]!.resolve('12'); // events 11 and 12 were committed when it read
    const a = await first;
    expect(await cache.get('dongcheng', 11n)).toBe(a);
    expect(await cache.get('dongcheng', 12n)).toBe(a);
    expect(calls).toHaveLength(1);
    const later = cache.get('dongcheng', 13n);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve('13');
    expect((await later)!.version).toBe(13n);
  });

  it('does not let an event ride on a computation that may have started before it was committed', async () => {
    const { calls, compute } = controlled();
    const cache = new CounterLoadCache(compute);
    const first = cache.get('dongcheng', 10n);
    const second = cache.get('dongcheng', 11n);
    expect(calls).toHaveLength(2);
    // Anything delivered before the second computation started rides on it.
    expect(cache.get('dongcheng', 11n)).toBe(second);
    calls[0]!.resolve('10');
    calls[1]!.resolve('11');
    expect((await first)!.version).toBe(10n);
    expect((await second)!.version).toBe(11n);
  });

  it('keeps counters apart, and forgets a failed computation', async () => {
    const { calls, compute } = controlled();
    const cache = new CounterLoadCache(compute);
    const x = cache.get('dongcheng', 5n);
    const y = cache.get('xicheng', 5n);
    expect(calls.map((c) => c.counterId)).toEqual(['dongcheng', 'xicheng']);
    calls[0]!.reject(new Error('connection lost'));
    await expect(x).rejects.toThrow('connection lost');
    const retry = cache.get('dongcheng', 5n);
    expect(calls).toHaveLength(3);
    calls[1]!.resolve('5');
    calls[2]!.resolve('5');
    expect((await retry)!.load.counterId).toBe('dongcheng');
    expect((await y)!.load.counterId).toBe('xicheng');
  });
});
