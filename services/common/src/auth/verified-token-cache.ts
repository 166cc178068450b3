import type { Actor } from './actor.js';

/** How the token verifier remembers tokens it has verified. */
export interface VerifiedTokenCacheOptions {
  /** At most this many tokens are remembered (least recently used first out); 0 turns the cache off. */
  maxEntries?: number;
  /**
   * A remembered token is verified again after this long even when it has not expired, so a
   * key removed from a JWKS (or any other change of the verification rules) takes effect
   * within this time.
   */
  maxAgeMs?: number;
  /** Wall-clock milliseconds (jose judges `exp` on the wall clock too, never the business clock). */
  now?: () => number;
}

interface Entry {
  actor: Actor;
  /** Served from the cache strictly before this instant (ms since epoch). */
  until: number;
}

/** Defaults: a few thousand distinct callers at once, re-verified every minute. */
export const VERIFIED_TOKEN_CACHE_DEFAULTS = { maxEntries: 10_000, maxAgeMs: 60_000 } as const;

/**
 * A bounded LRU of verified tokens → actor. Signature verification (HMAC through WebCrypto,
 * or RSA) and claim checks cost far more than a request's other edge work, and a client sends
 * the same token on every request until it expires.
 *
 * The cache never widens what verification accepts: an entry is only created for a token that
 * verified just now, keyed by the whole token string (header, claims and signature), and is
 * served only while `now < min(exp, verifiedAt + maxAgeMs)` — strictly inside the window in
 * which the verifier accepts the token (it accepts up to `exp` plus its clock tolerance). After
 * that the token goes through full verification again, so an expired token is refused exactly
 * as without the cache. Refused tokens are never cached.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(opts: VerifiedTokenCacheOptions = {}) {
    this.maxEntries = Math.max(0, Math.floor(opts.maxEntries ?? VERIFIED_TOKEN_CACHE_DEFAULTS.maxEntries));
    this.maxAgeMs = Math.max(0, opts.maxAgeMs ?? VERIFIED_TOKEN_CACHE_DEFAULTS.maxAgeMs);
    this.now = opts.now ?? ((): number => Date.now());
  }

  /** How many tokens are remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** The actor of a token verified earlier and still inside its window, else undefined. */
  get(token: string): Actor | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.now() >= entry.until) {
      this.entries.delete(token);
      return undefined;
    }
    // Most recently used last: Map keeps insertion order, so re-inserting moves it to the end.
    this.entries.delete(token);
    this.entries.set(token, entry);
    return entry.actor;
  }

  /** Remembers a token that verified just now; `exp` is its `exp` claim (seconds), when it has one. */
  set(token: string, actor: Actor, exp: unknown): void {
    if (this.maxEntries === 0) return;
    const now = this.now();
    let until = now + this.maxAgeMs;
    if (typeof exp === 'number') until = Math.min(until, exp * 1000);
    if (!(until > now)) return;
    this.entries.delete(token);
    this.entries.set(token, { actor, until });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
