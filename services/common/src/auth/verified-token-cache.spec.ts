import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestIssuer } from '../testing/test-issuer.js';
import type { Actor } from './actor.js';
import { TokenVerifier } from './tokens.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const idp = await createTestIssuer();
const cfg = idp.auth;
const keys = idp.keys;
const actor = (id: string): Actor => ({
  id,
  role: 'MANAGER',
  name: id,
  agencyId: null,
  employerIds: [],
  counterId: null,
});

describe('VerifiedTokenCache', () => {
  it('serves a token until its exp, and not from exp on', () => {
    const exp = 1_800_000_000; // seconds, as in the token
    let now = exp * 1000 - 60_000;
    const cache = new VerifiedTokenCache({ now: () => now, maxAgeMs: 3_600_000 });
    cache.set('t', actor('a'), exp);
    now = exp * 1000 - 1;
    expect(cache.get('t')?.id).toBe('a');
    now = exp * 1000;
    expect(cache.get('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('re-verifies after maxAgeMs even when the token has not expired, and without exp', () => {
    let now = 0;
    const cache = new VerifiedTokenCache({ now: () => now, maxAgeMs: 1000 });
    cache.set('long-lived', actor('a'), 10_000);
    cache.set('no-exp', actor('b'), undefined);
    now = 999;
    expect(cache.get('long-lived')?.id).toBe('a');
    expect(cache.get('no-exp')?.id).toBe('b');
    now = 1000;
    expect(cache.get('long-lived')).toBeUndefined();
    expect(cache.get('no-exp')).toBeUndefined();
  });

  it('does not remember a token that is already past its exp', () => {
    const cache = new VerifiedTokenCache({ now: () => 5_000 });
    cache.set('expired', actor('a'), 4);
    cache.set('exp-now', actor('a'), 5);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries tokens, dropping the least recently used', () => {
    const cache = new VerifiedTokenCache({ now: () => 0, maxEntries: 2 });
    cache.set('t1', actor('1'), undefined);
    cache.set('t2', actor('2'), undefined);
    expect(cache.get('t1')?.id).toBe('1'); // t1 is now the most recently used
    cache.set('t3', actor('3'), undefined);
    expect(cache.size).toBe(2);
    expect(cache.get('t2')).toBeUndefined();
    expect(cache.get('t1')?.id).toBe('1');
    expect(cache.get('t3')?.id).toBe('3');
    for (let i = 0; i < 100; i++) cache.set(`x${i}`, actor(String(i)), undefined);
    expect(cache.size).toBe(2);
  });

  it('is off with maxEntries 0', () => {
    const cache = new VerifiedTokenCache({ maxEntries: 0 });
    cache.set('t', actor('a'), undefined);
    expect(cache.get('t')).toBeUndefined();
  });
});

describe('TokenVerifier with its cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers a repeated token from the cache with the same frozen actor', async () => {
    const verifier = new TokenVerifier(cfg, { keys });
    const token = await idp.sign({ sub: 'a', role: 'AGENCY', agencyId: 'ag', employerIds: ['e1'] });
    const first = await verifier.verify(token);
    expect(await verifier.fromHeader(`Bearer ${token}`)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.employerIds)).toBe(true);
  });

  it('refuses a cached token once it has expired (no longer served from the cache)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-05T08:00:00Z'));
    const verifier = new TokenVerifier(cfg, { keys, cache: { maxAgeMs: 600_000 } });
    const token = await idp.sign({ sub: 'm', role: 'MANAGER' }, { ttl: '2m' });
    const first = await verifier.verify(token);
    vi.setSystemTime(new Date('2026-03-05T08:01:59Z'));
    expect(await verifier.verify(token)).toBe(first);
    // Past exp the token goes through full verification again: within jose's 30 s tolerance it
    // is accepted (as without a cache) but as a fresh verification, beyond it it is refused.
    vi.setSystemTime(new Date('2026-03-05T08:02:10Z'));
    const again = await verifier.verify(token);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    vi.setSystemTime(new Date('2026-03-05T08:02:31Z'));
    await expect(verifier.verify(token)).rejects.toThrow(/expired/);
  });

  it('verifies again after the cache’s maximum age', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-05T08:00:00Z'));
    const verifier = new TokenVerifier(cfg, { keys, cache: { maxAgeMs: 60_000 } });
    const token = await idp.sign({ sub: 'm', role: 'MANAGER' }, { ttl: '1h' });
    const first = await verifier.verify(token);
    vi.setSystemTime(new Date('2026-03-05T08:00:59Z'));
    expect(await verifier.verify(token)).toBe(first);
    vi.setSystemTime(new Date('2026-03-05T08:01:00Z'));
    expect(await verifier.verify(token)).not.toBe(first);
  });

  it('keeps at most maxEntries tokens', async () => {
    const verifier = new TokenVerifier(cfg, { keys, cache: { maxEntries: 2 } });
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => idp.sign({ sub, role: 'MANAGER' })));
    const actors = [];
    for (const t of tokens) actors.push(await verifier.verify(t));
    expect(await verifier.verify(tokens[2]!)).toBe(actors[2]);
    expect(await verifier.verify(tokens[1]!)).toBe(actors[1]);
    expect(await verifier.verify(tokens[0]!)).not.toBe(actors[0]); // dropped, verified again
  });

  it('never caches a token that does not verify, nor one signed with another key but the same claims', async () => {
    const verifier = new TokenVerifier(cfg, { keys });
    const good = await idp.sign({ sub: 'm', role: 'MANAGER' });
    await verifier.verify(good);
    const forged = await (await createTestIssuer()).sign({ sub: 'm', role: 'MANAGER' });
    await expect(verifier.verify(forged)).rejects.toThrow(/not valid/);
    await expect(verifier.verify(forged)).rejects.toThrow(/not valid/);
    const [header, payload, signature] = good.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
