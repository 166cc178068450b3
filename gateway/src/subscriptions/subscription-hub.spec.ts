import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '@onestop/common';
import type { FormattedExecutionResult } from 'graphql';
import { FANOUT_SLICE, MAX_BACKLOG, SubscriptionHubs, type HubSource, type Subscriber } from './subscription-hub.js';
import type { UpstreamEvent, UpstreamHandlers } from './upstream.js';

/** A fake upstream the spec drives by hand. */
function fakeSource() {
  const state = {
    opened: 0,
    disposed: 0,
    completions: [] as { event: UpstreamEvent; authorization: string }[],
    handlers: undefined as UpstreamHandlers | undefined,
    authorization: undefined as (() => string) | undefined,
    resumeFrom: undefined as (() => string | null) | undefined,
  };
  const source: HubSource = {
    open(handlers, authorization, resumeFrom) {
      state.opened++;
      Object.assign(state, { handlers, authorization, resumeFrom });
      return { dispose: () => void state.disposed++ };
    },
    async complete(event, authorization) {
      state.completions.push({ event, authorization });
      return { data: { completed: event.data } };
    },
    eventId: (event) => (event.data as { id?: string } | null)?.id ?? null,
  };
  return { state, source };
}

const subscriber = (authorization: string, expiresAt = Infinity): Subscriber => ({
  authorization,
  expiresAt,
  requestId: `req-${authorization}`,
});
const next = (it: AsyncIterator<FormattedExecutionResult>): Promise<IteratorResult<FormattedExecutionResult>> =>
  it.next();
const logger = createLogger('spec', 'silent');

describe('SubscriptionHubs', () => {
  it('opens one upstream per key and completes each event once for every subscriber', async () => {
    const hubs = new SubscriptionHubs(logger);
    const { state, source } = fakeSource();
    const a = hubs.subscribe('k', () => source, subscriber('A'));
    const b = hubs.subscribe('k', () => source, subscriber('B'));
    expect(state.opened).toBe(1);
    expect(hubs.stats()).toEqual({ upstreams: 1, subscribers: 2 });
    state.handlers!.next({ data: { id: '1' } });
    state.handlers!.next({ data: { id: '2' } });
    expect((await next(a)).value).toEqual({ data: { completed: { id: '1' } } });
    expect((await next(a)).value).toEqual({ data: { completed: { id: '2' } } });
    expect((await next(b)).value).toEqual({ data: { completed: { id: '1' } } });
    expect(state.completions).toHaveLength(2);
    expect(state.resumeFrom!()).toBe('2');
  });

  it('closes the upstream when the last subscriber leaves, and a new subscriber opens a fresh one', async () => {
    const hubs = new SubscriptionHubs(logger);
    const { state, source } = fakeSource();
    const a = hubs.subscribe('k', () => source, subscriber('A'));
    const b = hubs.subscribe('k', () => source, subscriber('B'));
    await a.return!();
    expect(state.disposed).toBe(0);
    await b.return!();
    expect(state.disposed).toBe(1);
    expect(hubs.stats()).toEqual({ upstreams: 0, subscribers: 0 });
    hubs.subscribe('k', () => source, subscriber('C'));
    expect(state.opened).toBe(2);
  });

  it('keeps different keys apart', () => {
    const hubs = new SubscriptionHubs(logger);
    const { state, source } = fakeSource();
    hubs.subscribe('agency-a', () => source, subscriber('A'));
    hubs.subscribe('agency-b', () => source, subscriber('B'));
    expect(state.opened).toBe(2);
  });

  it('uses the token that lives longest among the current subscribers', async () => {
    const hubs = new SubscriptionHubs(logger);
    const { state, source } = fakeSource();
    const early = hubs.subscribe('k', () => source, subscriber('early', 1000));
    hubs.subscribe('k', () => source, subscriber('late', 5000));
    expect(state.authorization!()).toBe('late');
    state.handlers!.next({ data: { id: '1' } });
    await next(early);
    expect(state.completions[0]!.authorization).toBe('late');
  });

  it('ends every subscriber with the upstream’s errors, after what was already delivered', async () => {
    const hubs = new SubscriptionHubs(logger);
    const { state, source } = fakeSource();
    const a = hubs.subscribe('k', () => source, subscriber('A'));
    state.handlers!.next({ data: { id: '1' } });
    state.handlers!.error([{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }]);
    expect((await next(a)).value).toEqual({ data: { completed: { id: '1' } } });
    expect((await next(a)).value).toEqual({ errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] });
    expect((await next(a)).done).toBe(true);
    expect(hubs.stats().upstreams).toBe(0);
  });

  it('turns a lost upstream into SERVICE_UNAVAILABLE', async () => {
    const hubs = new SubscriptionHubs(logger);
    const { state, source } = fakeSource();
    const a = hubs.subscribe('k', () => source, subscriber('A'));
    state.handlers!.error({ code: 1006, reason: '' });
    expect((await next(a)).value?.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect((await next(a)).done).toBe(true);
  });
});

/** A sink as the graphql-ws server gives each subscriber: records what would be written to the socket. */
function recordingSink(backlog = 0) {
  const sent: string[] = [];
  return { sent, sink: { send: (json: string) => void sent.push(json), backlog: () => backlog } };
}

describe('SubscriptionHubs with sinks (results written straight to the connections)', () => {
  it('serialises each event once and sends the same text to every subscriber, in order', async () => {
    const hubs = new SubscriptionHubs(logger);
    const { state, source } = fakeSource();
    const a = recordingSink();
    const b = recordingSink();
    const streamA = hubs.subscribe('k', () => source, { ...subscriber('A'), sink: a.sink });
    hubs.subscribe('k', () => source, { ...subscriber('B'), sink: b.sink });
    const stringify = vi.spyOn(JSON, 'stringify');
    state.handlers!.next({ data: { id: '1' } });
    state.handlers!.next({ data: { id: '2' } });
    await vi.waitFor(() => expect(a.sent).toHaveLength(2));
    const results = stringify.mock.calls.filter(([v]) => (v as { data?: unknown })?.data !== undefined);
    stringify.mockRestore();
    expect(results).toHaveLength(2); // one per event, not one per subscriber
    expect(a.sent).toEqual([
      JSON.stringify({ data: { completed: { id: '1' } } }),
      JSON.stringify({ data: { completed: { id: '2' } } }),
    ]);
    expect(b.sent[0]).toBe(a.sent[0]);
    expect(b.sent).toEqual(a.sent);
    expect(state.completions).toHaveLength(2);
    // The stream itself yields nothing; it ends when the hub ends it.
    const pending = streamA.next();
    state.handlers!.error([{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }]);
    expect((await pending).done).toBe(true);
    expect(JSON.parse(a.sent.at(-1)!)).toEqual({
      errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }],
    });
    expect(hubs.stats().upstreams).toBe(0);
  });

  it('ends a subscriber that is MAX_BACKLOG results behind with SERVICE_UNAVAILABLE, and keeps the others', async () => {
    const hubs = new SubscriptionHubs(logger);
    const { state, source } = fakeSource();
    const slow = recordingSink(MAX_BACKLOG);
    const fast = recordingSink(0);
    const slowStream = hubs.subscribe('k', () => source, { ...subscriber('S'), sink: slow.sink });
    hubs.subscribe('k', () => source, { ...subscriber('F'), sink: fast.sink });
    state.handlers!.next({ data: { id: '1' } });
    expect((await slowStream.next()).done).toBe(true);
    expect(slow.sent.map((s) => JSON.parse(s).errors?.[0]?.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(fast.sent).toEqual([JSON.stringify({ data: { completed: { id: '1' } } })]);
    expect(hubs.stats()).toEqual({ upstreams: 1, subscribers: 1 });
  });

  it('stops sending to a subscriber that completed', async () => {
    const hubs = new SubscriptionHubs(logger);
    const { state, source } = fakeSource();
    const a = recordingSink();
    const b = recordingSink();
    const streamA = hubs.subscribe('k', () => source, { ...subscriber('A'), sink: a.sink });
    hubs.subscribe('k', () => source, { ...subscriber('B'), sink: b.sink });
    await streamA.return!();
    state.handlers!.next({ data: { id: '1' } });
    await vi.waitFor(() => expect(b.sent).toHaveLength(1));
    expect(a.sent).toEqual([]);
  });
});

describe('SubscriptionHubs fan-out in slices (the event loop is yielded between FANOUT_SLICE writes)', () => {
  it('gives every subscriber of a large hub every event once, in order, while other hubs run between slices', async () => {
    const hubs = new SubscriptionHubs(logger);
    const big = fakeSource();
    const other = fakeSource();
    // One log of every write, across hubs, in the order they happen.
    const writes: string[] = [];
    const sink = (name: string) => ({ send: () => void writes.push(name), backlog: () => 0 });
    const size = 2 * FANOUT_SLICE + 7;
    const crowd = Array.from({ length: size }, () => recordingSink());
    crowd.forEach((r, i) =>
      hubs.subscribe('big', () => big.source, {
        ...subscriber(`S${i}`),
        sink: { send: (json) => (r.sink.send(json), sink(`S${i}`).send()), backlog: () => 0 },
      }),
    );
    hubs.subscribe('other', () => other.source, { ...subscriber('O'), sink: sink('O') });
    big.state.handlers!.next({ data: { id: '1' } });
    big.state.handlers!.next({ data: { id: '2' } });
    other.state.handlers!.next({ data: { id: 'x' } });
    await vi.waitFor(() => expect(writes).toHaveLength(2 * size + 1));
    // The other hub's event went out before the big hub's first fan-out was through.
    expect(writes.indexOf('O')).toBeGreaterThan(0);
    expect(writes.indexOf('O')).toBeLessThan(size);
    const expected = [
      JSON.stringify({ data: { completed: { id: '1' } } }),
      JSON.stringify({ data: { completed: { id: '2' } } }),
    ];
    for (const r of crowd) expect(r.sent).toEqual(expected);
    expect(big.state.completions).toHaveLength(2);
  });
});
