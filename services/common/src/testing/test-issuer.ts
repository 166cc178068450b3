import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { AuthConfig } from '../config.js';
import { DEFAULT_CLAIM_MAPPING } from '../auth/claim-mapping.js';
import type { OneStopClaims } from '../auth/actor.js';

/** Unit tests only: an issuer with its own asymmetric key, standing in for the identity provider. */
export interface TestIssuer {
  auth: AuthConfig;
  jwk: JWK;
  /** A key set holding this issuer's public key (what the verifier would fetch from the JWKS). */
  keys: ReturnType<typeof createLocalJWKSet>;
  /** Signs OneStop claims; `ttl` as jose takes it ('1h', '-1h'), null for a token without `exp`. */
  sign(
    claims: OneStopClaims | Record<string, unknown>,
    opts?: { ttl?: string | null; iss?: string; aud?: string },
  ): Promise<string>;
}

/** Makes a test issuer (ES256 by default). */
export async function createTestIssuer(alg: 'ES256' | 'RS256' = 'ES256', kid = 'test-key'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const auth: AuthConfig = {
    issuer: 'http://issuer.test',
    jwksUrl: undefined,
    audience: 'onestop-api',
    claims: DEFAULT_CLAIM_MAPPING,
  };
  return {
    auth,
    jwk,
    keys: createLocalJWKSet({ keys: [jwk] }),
    sign: (claims, opts = {}) =>
      signWith(privateKey as CryptoKey, alg, kid, claims as Record<string, unknown>, {
        iss: auth.issuer,
        aud: auth.audience,
        ...opts,
      }),
  };
}

async function signWith(
  key: CryptoKey,
  alg: string,
  kid: string,
  claims: Record<string, unknown>,
  opts: { ttl?: string | null; iss: string; aud: string },
): Promise<string> {
  const { sub, ...rest } = claims;
  const jwt = new SignJWT(rest)
    .setProtectedHeader({ alg, kid })
    .setIssuer(opts.iss)
    .setAudience(opts.aud)
    .setIssuedAt();
  if (typeof sub === 'string') jwt.setSubject(sub);
  const ttl = opts.ttl === undefined ? '1h' : opts.ttl;
  if (ttl !== null) jwt.setExpirationTime(ttl);
  return jwt.sign(key);
}

/** A test issuer served over HTTP (discovery and JWKS), for a gateway started in a test process. */
export interface ServedTestIssuer extends TestIssuer {
  /** Publishes these keys from now on (a rotation). */
  publish(keys: JWK[]): void;
  close(): Promise<void>;
}

/** Serves a test issuer on a free loopback port; its `auth.issuer` is that URL. */
export async function serveTestIssuer(alg: 'ES256' | 'RS256' = 'ES256'): Promise<ServedTestIssuer> {
  const { createServer } = await import('node:http');
  const base = await createTestIssuer(alg);
  let published = [base.jwk];
  let issuer = '';
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (req.url === '/jwks') {
      res.end(JSON.stringify({ keys: published }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const auth = { ...base.auth, issuer };
  return {
    ...base,
    auth,
    sign: (claims, opts = {}) => base.sign(claims, { iss: issuer, ...opts }),
    publish: (keys) => {
      published = keys;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
