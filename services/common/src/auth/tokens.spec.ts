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

describe('tokens from an identity provider (RS256 via JWKS)', () => {
  it('verifies RS256 tokens against the JWKS endpoint and refuses HS256 ones', async () => {
    const { createServer } = await import('node:http');
    const { exportJWK, generateKeyPair } = await import('jose');
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    try {
      const rs = new TokenVerifier({ ...cfg, jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
      const token = await new SignJWT({ role: 'EE_OFFICER', name: 'Officer Li' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('ee-1')
        .setIssuer('onestop')
        .setAudience('onestop-api')
        .setExpirationTime('1h')
        .sign(privateKey);
      expect(await rs.verify(token)).toMatchObject({ id: 'ee-1', role: 'EE_OFFICER', name: 'Officer Li' });
      const hs = await signDevToken(cfg, { sub: 'm', role: 'MANAGER' });
      await expect(rs.verify(hs)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    } finally {
      server.close();
    }
  });
});
