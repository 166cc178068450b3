import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { ServiceUnavailableError, UnauthenticatedError } from '../errors.js';
import type { Actor } from './actor.js';
import { actorFromMappedClaims } from './claim-mapping.js';
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './verified-token-cache.js';

/** Signature algorithms accepted from the identity provider (asymmetric only: no shared secret anywhere). */
export const TOKEN_ALGORITHMS = ['RS256', 'ES256'] as const;

/** Who resolves a request's `Authorization` header into an actor (the gateway verifies; subgraphs trust it). */
export interface ActorResolver {
  /** The actor for an `Authorization` header value, null when there is none; UNAUTHENTICATED when it is not valid. */
  fromHeader(header: string | null | undefined): Promise<Actor | null>;
}

/** Seams for tests: the key source, the discovery fetch and the verified-token cache. */
export interface TokenVerifierOptions {
  /** The keys to verify with; default: the provider's JWKS (its `jwks_uri`), fetched and refreshed as keys rotate. */
  keys?: JWTVerifyGetKey;
  cache?: VerifiedTokenCacheOptions;
}

/**
 * Verifies bearer tokens at the gateway against the identity provider's JWKS (RS256 or ES256):
 * the signature, `iss`, `aud`, and `exp` (required: a token that never expires is refused), then
 * maps the claims to a OneStop actor through the configured claim mapping.
 *
 * The JWKS is found through the provider's discovery document (or `OIDC_JWKS_URL`), fetched on
 * first use and again whenever a token names a key it does not hold (at most every few seconds),
 * so a rotated signing key is accepted without a restart, and a provider that starts after the
 * gateway is picked up.
 *
 * A token that verified is remembered (bounded LRU, `VerifiedTokenCache`) until its `exp` or for
 * at most a minute, whichever comes first, so a client's repeated requests skip the signature
 * check; the cache never accepts a token that verification would refuse at that moment. The
 * actors it returns are frozen: the same object may serve many requests.
 */
export class TokenVerifier implements ActorResolver {
  private readonly cache: VerifiedTokenCache;
  private keys: JWTVerifyGetKey | undefined;
  private discovering: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly cfg: AuthConfig,
    opts: TokenVerifierOptions = {},
  ) {
    this.keys = opts.keys;
    this.cache = new VerifiedTokenCache(opts.cache);
  }

  /**
   * At once, without a promise: null for a request without a token (anonymous), the actor of a
   * token the cache holds and still serves, else undefined (`fromHeader` decides: it verifies,
   * or refuses a malformed header). The same cache and window as `verify`, nothing wider.
   */
  cachedActor(header: string | null | undefined): Actor | null | undefined {
    if (!header) return null;
    // "Bearer <token>" exactly (the form clients send); anything else goes through bearerToken's checks.
    if (!header.startsWith('Bearer ') || header.charCodeAt(7) <= 0x20) return undefined;
    return this.cache.get(header.slice(7));
  }

  async fromHeader(header: string | null | undefined): Promise<Actor | null> {
    const token = bearerToken(header);
    return token === null ? null : this.verify(token);
  }

  async verify(token: string): Promise<Actor> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const keys = await this.keySource();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.cfg.issuer,
        audience: this.cfg.audience,
        algorithms: [...TOKEN_ALGORITHMS],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
      }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      // The provider's keys could not be fetched: not the caller's fault, and signing in again would not help.
      if (code === 'ERR_JWKS_TIMEOUT' || (err instanceof TypeError && /fetch/i.test(err.message))) {
        throw new ServiceUnavailableError(
          `The identity provider's keys cannot be fetched to verify the token (${(err as Error).message}); try again shortly.`,
        );
      }
      throw new UnauthenticatedError(
        code === 'ERR_JWT_EXPIRED' ? 'The token has expired: sign in again.' : 'The token is not valid: sign in again.',
      );
    }
    const actor = freezeActor(actorFromMappedClaims(payload as Record<string, unknown>, this.cfg.claims));
    this.cache.set(token, actor, payload.exp);
    return actor;
  }

  /** The provider's key set: `OIDC_JWKS_URL`, or the `jwks_uri` of its discovery document (retried until found). */
  private keySource(): Promise<JWTVerifyGetKey> {
    if (this.keys) return Promise.resolve(this.keys);
    this.discovering ??= jwksUrlOf(this.cfg).then(
      (url) => {
        // A token with an unknown `kid` refetches the set, at most every 5 s (a rotation is seen at once).
        this.keys = createRemoteJWKSet(new URL(url), { cooldownDuration: 5_000, cacheMaxAge: 10 * 60_000 });
        return this.keys;
      },
      (err: unknown) => {
        this.discovering = undefined;
        throw new ServiceUnavailableError(
          `The identity provider ${this.cfg.issuer} cannot be reached to verify the token (${(err as Error).message}); try again shortly.`,
        );
      },
    );
    return this.discovering;
  }
}

/** The JWKS URL: configured, or from the issuer's OpenID Connect discovery document. */
async function jwksUrlOf(cfg: AuthConfig): Promise<string> {
  if (cfg.jwksUrl) return cfg.jwksUrl;
  const res = await fetch(`${cfg.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new ServiceUnavailableError(`discovery answered ${res.status}`);
  const doc = (await res.json()) as { jwks_uri?: unknown; issuer?: unknown };
  if (doc.issuer !== cfg.issuer) throw new ServiceUnavailableError(`discovery names issuer ${String(doc.issuer)}`);
  if (typeof doc.jwks_uri !== 'string') throw new ServiceUnavailableError('discovery has no jwks_uri');
  return doc.jwks_uri;
}

/**
 * How a subgraph reads the identity the gateway forwards: the gateway verified the token, and
 * the request (with its Authorization header) carries the gateway's HMAC signature, which the
 * subgraph checks first (request-signing.ts). So the subgraph maps the claims with the same
 * mapping and checks only that the token has not expired since; it needs no keys and never
 * calls the identity provider.
 */
export class ForwardedIdentity implements ActorResolver {
  private readonly cache: VerifiedTokenCache;

  constructor(
    private readonly cfg: Pick<AuthConfig, 'claims'>,
    cache: VerifiedTokenCacheOptions = {},
  ) {
    this.cache = new VerifiedTokenCache(cache);
  }

  /**
   * At once, without a promise: null for a request without a token (anonymous), the actor of a
   * token the cache holds and still serves, else undefined (`fromHeader` decides: it verifies,
   * or refuses a malformed header). The same cache and window as `verify`, nothing wider.
   */
  cachedActor(header: string | null | undefined): Actor | null | undefined {
    if (!header) return null;
    // "Bearer <token>" exactly (the form clients send); anything else goes through bearerToken's checks.
    if (!header.startsWith('Bearer ') || header.charCodeAt(7) <= 0x20) return undefined;
    return this.cache.get(header.slice(7));
  }

  async fromHeader(header: string | null | undefined): Promise<Actor | null> {
    const token = bearerToken(header);
    if (token === null) return null;
    const cached = this.cache.get(token);
    if (cached) return cached;
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      throw new UnauthenticatedError('The token is not valid: sign in again.');
    }
    if (typeof payload.exp !== 'number' || payload.exp * 1000 + 30_000 < Date.now()) {
      throw new UnauthenticatedError('The token has expired: sign in again.');
    }
    const actor = freezeActor(actorFromMappedClaims(payload as Record<string, unknown>, this.cfg.claims));
    this.cache.set(token, actor, payload.exp);
    return actor;
  }
}

/** The token of a `Bearer` header; null when there is no header. */
function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!m) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
  return m[1]!;
}

function freezeActor(actor: Actor): Actor {
  Object.freeze(actor.employerIds);
  return Object.freeze(actor);
}
