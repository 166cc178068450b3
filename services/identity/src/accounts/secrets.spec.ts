import { describe, expect, it } from 'vitest';
import { hashSecret, newClientSecret, verifySecret } from './secrets.js';

describe('secrets', () => {
  it('stores only a salted scrypt hash, and verifies the secret and nothing else', async () => {
    const secret = newClientSecret();
    const a = await hashSecret(secret);
    const b = await hashSecret(secret);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toContain(secret);
    expect(a).not.toBe(b); // salted
    expect(await verifySecret(secret, a)).toBe(true);
    expect(await verifySecret(secret, b)).toBe(true);
    expect(await verifySecret(`${secret}x`, a)).toBe(false);
    expect(await verifySecret(secret, 'plain-text')).toBe(false);
  });

  it('makes 256-bit client secrets', () => {
    expect(Buffer.from(newClientSecret(), 'base64url')).toHaveLength(32);
    expect(newClientSecret()).not.toBe(newClientSecret());
  });
});
