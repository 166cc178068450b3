import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { DEV_JWT_SECRET } from '../config.js';
import { signDevToken, TokenVerifier } from './tokens.js';

const cfg = { jwtSecret: DEV_JWT_SECRET, jwksUrl: undefined, issuer: 'onestop', audience: 'onestop-api' };

describe('tokens', () => {
  const verifier = new TokenVerifier(cfg);

  it('round-trips a dev token into an actor', async () => {
    const token = await signDevToken(cfg, { sub: 'a', role: 'AGENCY', agencyId: 'ag', employerIds: ['e1'] });
    expect(await verifier.fromHeader(`Bearer ${token}`)).toMatchObject({
      id: 'a',
      role: 'AGENCY',
      agencyId: 'ag',
      employerIds: ['e1'],
    });
  });

  it('returns no actor without a header, and rejects malformed headers', async () => {
    expect(await verifier.fromHeader(undefined)).toBeNull();
    await expect(verifier.fromHeader('Basic abc')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('rejects expired tokens, other issuers, other secrets and claims that do not fit the role', async () => {
    const expired = await signDevToken(cfg, { sub: 'm', role: 'MANAGER' }, '-1h');
    await expect(verifier.verify(expired)).rejects.toThrow(/expired/);
    const otherIssuer = await signDevToken({ ...cfg, issuer: 'evil' }, { sub: 'm', role: 'MANAGER' });
    await expect(verifier.verify(otherIssuer)).rejects.toThrow(/not valid/);
    const otherSecret = await signDevToken({ ...cfg, jwtSecret: 'x'.repeat(40) }, { sub: 'm', role: 'MANAGER' });
    await expect(verifier.verify(otherSecret)).rejects.toThrow(/not valid/);
    const clerkWithoutCounter = await signDevToken(cfg, { sub: 'c', role: 'CLERK' });
    await expect(verifier.verify(clerkWithoutCounter)).rejects.toThrow(/counterId/);
    const unknownRole = await new SignJWT({ role: 'ROOT' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('r')
      .setIssuer('onestop')
      .setAudience('onestop-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(DEV_JWT_SECRET));
    await expect(verifier.verify(unknownRole)).rejects.toThrow(/role must be one of/);
  });

  it('refuses the none algorithm', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ sub: 'x', role: 'MANAGER', iss: 'onestop', aud: 'onestop-api' }),
    ).toString('base64url');
    await expect(verifier.verify(`${header}.${body}.`)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});
