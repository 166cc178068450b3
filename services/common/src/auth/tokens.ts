import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { UnauthenticatedError } from '../errors.js';
import { actorFromClaims, type Actor, type OneStopClaims } from './actor.js';

/**
 * Verifies bearer tokens: HS256 with a shared secret in development, RS256 against a JWKS
 * endpoint when `JWT_JWKS_URL` is set. Used at the gateway and again in every subgraph.
 */
export class TokenVerifier {
  private readonly secret: Uint8Array;
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(private readonly cfg: AuthConfig) {
    this.secret = new TextEncoder().encode(cfg.jwtSecret);
    this.jwks = cfg.jwksUrl ? createRemoteJWKSet(new URL(cfg.jwksUrl)) : undefined;
  }

  /** Returns the actor for an `Authorization` header value, or null when there is none. */
  async fromHeader(header: string | null | undefined): Promise<Actor | null> {
    if (!header) return null;
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    return this.verify(m[1]!);
  }

  async verify(token: string): Promise<Actor> {
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
    return actorFromClaims(payload as Record<string, unknown>);
  }
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
