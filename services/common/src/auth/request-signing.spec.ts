import { describe, expect, it } from 'vitest';
import { signRequest, verifyRequestSignature, type SignedParts } from './request-signing.js';

const now = 1_800_000_000_000;
const parts: SignedParts = {
  method: 'POST',
  path: '/graphql',
  body: '{"query":"{ a }"}',
  authorization: 'Bearer t',
  timestamp: String(now),
};

describe('request signing', () => {
  it('accepts the signature of the same request', () => {
    expect(verifyRequestSignature('s3cret', parts, signRequest('s3cret', parts), now)).toBe(true);
  });

  it('rejects any change to body, path, authorization or method', () => {
    const sig = signRequest('s3cret', parts);
    for (const changed of [
      { ...parts, body: '{"query":"{ b }"}' },
      { ...parts, path: '/other' },
      { ...parts, authorization: 'Bearer other' },
      { ...parts, method: 'GET' },
    ]) {
      expect(verifyRequestSignature('s3cret', changed, sig, now)).toBe(false);
    }
  });

  it('rejects another secret, a missing signature and a stale timestamp', () => {
    expect(verifyRequestSignature('other', parts, signRequest('s3cret', parts), now)).toBe(false);
    expect(verifyRequestSignature('s3cret', parts, undefined, now)).toBe(false);
    expect(verifyRequestSignature('s3cret', parts, signRequest('s3cret', parts), now + 5 * 60_000 + 1)).toBe(false);
    expect(verifyRequestSignature('s3cret', { ...parts, timestamp: 'x' }, 'abc', now)).toBe(false);
  });
});
