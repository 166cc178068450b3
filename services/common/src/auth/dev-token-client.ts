import { ServiceUnavailableError } from '../errors.js';
import type { OneStopClaims } from './actor.js';

/**
 * The embedded identity provider's development grant: a token for any role and scope without a
 * password, for `pnpm dev-token`, the demo simulator and the tests. Only the dev client may use
 * it, and the provider registers neither the grant nor the client in production.
 */
export const DEV_TOKEN_GRANT = 'urn:onestop:params:oauth:grant-type:dev-token';
/** The development client (public knowledge: it exists only outside production). */
export const DEV_CLIENT_ID = 'onestop-dev';
export const DEV_CLIENT_SECRET = 'onestop-dev-client-secret-not-for-production';

/** What a development token may say, and how long it lives (seconds). */
export interface DevTokenRequest extends OneStopClaims {
  ttlSeconds?: number;
}

/** The provider's token endpoint, from its discovery document (cached per issuer). */
const tokenEndpoints = new Map<string, Promise<string>>();

async function tokenEndpointOf(issuer: string): Promise<string> {
  let p = tokenEndpoints.get(issuer);
  if (!p) {
    p = fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) })
      .then(async (r) => {
        if (!r.ok) throw new ServiceUnavailableError(`discovery answered ${r.status}`);
        const doc = (await r.json()) as { token_endpoint?: string };
        if (!doc.token_endpoint) throw new ServiceUnavailableError('discovery has no token_endpoint');
        return doc.token_endpoint;
      })
      .catch((err: unknown) => {
        tokenEndpoints.delete(issuer);
        throw err;
      });
    tokenEndpoints.set(issuer, p);
  }
  return p;
}

/** Asks the embedded provider for a development access token (JWT) with these claims. */
export async function requestDevToken(issuer: string, req: DevTokenRequest): Promise<string> {
  const endpoint = await tokenEndpointOf(issuer);
  const form = new URLSearchParams({ grant_type: DEV_TOKEN_GRANT, role: req.role, sub: req.sub });
  if (req.name) form.set('name', req.name);
  if (req.agencyId) form.set('agency_id', req.agencyId);
  if (req.employerIds) form.set('employer_ids', req.employerIds.join(' '));
  if (req.counterId) form.set('counter_id', req.counterId);
  if (req.ttlSeconds !== undefined) form.set('ttl', String(req.ttlSeconds));
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${DEV_CLIENT_ID}:${DEV_CLIENT_SECRET}`).toString('base64')}`,
    },
    body: form,
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!res.ok || !body.access_token) {
    throw new ServiceUnavailableError(
      `The identity provider refused a development token: ${body.error ?? res.status} ${body.error_description ?? ''}`.trim(),
    );
  }
  return body.access_token;
}
