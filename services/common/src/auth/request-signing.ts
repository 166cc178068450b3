import { createHmac, createSecretKey, hash, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Headers the gateway adds to every request it sends a subgraph. */
export const SIGNATURE_HEADER = 'x-onestop-signature';
export const TIMESTAMP_HEADER = 'x-onestop-timestamp';
export const REQUEST_ID_HEADER = 'x-request-id';

/** A signed request is accepted for this long, against replays of captured traffic. */
const MAX_SKEW_MS = 5 * 60_000;

/** What a signature covers: everything a replayed or altered request could change. */
export interface SignedParts {
  method: string;
  path: string;
  body: string;
  authorization: string;
  timestamp: string;
}

function canonical(p: SignedParts): string {
  // One-shot hash: no Hash object per request (the same digest as createHash().update().digest()).
  const bodyHash = hash('sha256', p.body, 'hex');
  return [p.timestamp, p.method.toUpperCase(), p.path, bodyHash, p.authorization].join('\n');
}

/** Each secret as a key object, made once (a string secret would be imported for every HMAC). */
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    // The same key bytes createHmac takes from a string secret (UTF-8).
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    if (keys.size < 64) keys.set(secret, key);
  }
  return key;
}

/** HMAC-SHA256 of the request's canonical form with the subgraph's secret. */
export function signRequest(secret: string, p: SignedParts): string {
  return createHmac('sha256', keyOf(secret)).update(canonical(p)).digest('base64url');
}

/** Verifies a request signature in constant time; false on any mismatch or a stale timestamp. */
export function verifyRequestSignature(
  secret: string,
  p: SignedParts,
  signature: string | undefined,
  nowMs: number,
): boolean {
  if (!signature || !p.timestamp) return false;
  const ts = Number(p.timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowMs - ts) > MAX_SKEW_MS) return false;
  const expected = Buffer.from(signRequest(secret, p));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
