import { describe, expect, it } from 'vitest';
import { createLogger } from '@onestop/common';
import type { FormattedExecutionResult } from 'graphql';
import { SubscriptionHubs, type HubSource, type Subscriber } from './subscription-hub.js';
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
