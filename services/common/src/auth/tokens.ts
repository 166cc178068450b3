import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { UnauthenticatedError } from '../errors.js';
import { actorFromClaims, type Actor, type OneStopClaims } from './actor.js';
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './verified-token-cache.js';

/**
 * Verifies bearer tokens: HS256 with a shared secret in development, RS256 against a JWKS
 * endpoint when `JWT_JWKS_URL` is set. Used at the gateway and again in every subgraph.
 *
 * A token that verified is remembered (bounded LRU, `VerifiedTokenCache`) until its `exp` or
 * for at most a minute, whichever comes first, so a client's repeated requests skip the
 * signature check; the cache never accepts a token that verification would refuse at that
 * moment. The actors it returns are frozen: the same object may serve many requests.
 */
export class TokenVerifier {
  private readonly secret: Uint8Array;
  private readonly jwks: JWTVerifyGetKey | undefined;
  private readonly cache: VerifiedTokenCache;

  constructor(
    private readonly cfg: AuthConfig,
    cache: VerifiedTokenCacheOptions = {},
  ) {
    this.secret = new TextEncoder().encode(cfg.jwtSecret);
    this.jwks = cfg.jwksUrl ? createRemoteJWKSet(new URL(cfg.jwksUrl)) : undefined;
    this.cache = new VerifiedTokenCache(cache);
  }

  /** Returns the actor for an `Authorization` header value, or null when there is none. */
  async fromHeader(header: string | null | undefined): Promise<Actor | null> {
    if (!header) return null;
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    return this.verify(m[1]!);
  }

  async verify(token: string): Promise<Actor> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    let payload: JWTPayload;
    try {
      const options = { issuer: this.cfg.issuer, audience: this.cfg.audience, clockTolerance: 30 };
      payload = this.jwks
        ? (await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256'] })).payload
        : (await jwtVerify(token, this.secret, { ...options, algorithms: ['HS256'] })).payload;
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new UnauthenticatedError(
        code === 'ERR_JWT_EXPIRED' ? 'The token has expired: sign in again.' : 'The token is not valid: sign in again.',
      );
    }
    const actor = freezeActor(actorFromClaims(payload as Record<string, unknown>));
    this.cache.set(token, actor, payload.exp);
    return actor;
  }
}

function freezeActor(actor: Actor): Actor {
  Object.freeze(actor.employerIds);
  return Object.freeze(actor);
}

/** Signs a development token (HS256). Never used in production, where an identity provider issues tokens. */
export async function signDevToken(cfg: AuthConfig, claims: OneStopClaims, ttl = '12h'): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(cfg.issuer)
    .setAudience(cfg.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(cfg.jwtSecret));
}
