import { describe, expect, it } from 'vitest';
import type { EventSubscription, SubgraphRuntime } from '@onestop/common';
import type { DomainEvent } from '@onestop/common/contract';
import type { CounterLoadCache, VersionedLoad } from './counter-load.cache.js';
import type { CounterLoadChanges, LoadChange } from './counter-load.changes.js';
import { CounterLoadFeed } from './counter-load.feed.js';
import type { CounterLoadValue } from './counter-load.service.js';

/** The log: `counter.load-changed` events as [id, counterId]. */
type Log = [number, string][];

/** A feed over a fixed log whose loads are all computed at `head` (a late computation sees every change). */
function feedOver(log: Log, head: number, counterId: string | null): CounterLoadFeed {
  const events = log
    .filter(([, c]) => !counterId || c === counterId)
    .map(([id, c]) => ({ id: String(id), counterId: c }) as DomainEvent);
  let i = 0;
  const sub = {
    ready: Promise.resolve(),
    next: async () => (i < events.length ? { done: false, value: events[i++]! } : { done: true, value: undefined }),
    close: () => undefined,
  } as unknown as EventSubscription;
  const rt = { events: { subscribe: () => sub } } as unknown as SubgraphRuntime;
  const cache = {
    get: async (c: string): Promise<VersionedLoad> => ({
      load: { counterId: c, eventId: String(head) } as CounterLoadValue,
      version: BigInt(head),
    }),
  } as unknown as CounterLoadCache;
  const changes = {
    between: async (after: bigint, upTo: bigint): Promise<LoadChange[]> =>
      log
        .filter(([id]) => BigInt(id) > after && BigInt(id) <= upTo)
        .map(([id, c]) => ({ id: BigInt(id), counterId: c })),
  } as unknown as CounterLoadChanges;
  return new CounterLoadFeed(rt, cache, changes, counterId, '0');
}

async function pushes(feed: CounterLoadFeed): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const v of feed) out.push([v.counterId, v.eventId]);
  return out;
}

describe('CounterLoadFeed', () => {
  const log: Log = [
    [10, 'a'],
    [11, 'b'],
    [12, 'a'],
    [13, 'a'],
  ];

  it('one counter: the missed changes are one push, labelled with the latest change it reflects', async () => {
    expect(await pushes(feedOver(log, 13, 'a'))).toEqual([['a', '13']]);
  });

  it('all counters: a label never passes a change still to push; the next push covers what the first reflected', async () => {
    // a's snapshot reflects 12 and 13 too, but b's change 11 comes first: a is labelled 10,
    // b (whose push follows) 13; 12 and 13 are never pushed again.
    expect(await pushes(feedOver(log, 13, null))).toEqual([
      ['a', '10'],
      ['b', '13'],
    ]);
  });

  it('a change the last push did not reflect is pushed, with a higher label', async () => {
    // Each load computed when its own change is the head: one push per change.
    const feed = feedOver(log, 0, null);
    (feed as unknown as { cache: unknown }).cache = {
      get: async (c: string, id: bigint): Promise<VersionedLoad> => ({
        load: { counterId: c } as CounterLoadValue,
        version: id,
      }),
    };
    expect(await pushes(feed)).toEqual([
      ['a', '10'],
      ['b', '11'],
      ['a', '12'],
      ['a', '13'],
    ]);
  });
});
