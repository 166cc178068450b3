import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { SignJWT } from 'jose';
import { DEFAULT_CLAIM_MAPPING } from './claim-mapping.js';
import { createTestIssuer } from '../testing/test-issuer.js';
import { ForwardedIdentity, TokenVerifier } from './tokens.js';

describe('TokenVerifier', async () => {
  const idp = await createTestIssuer('ES256');
  const verifier = new TokenVerifier(idp.auth, { keys: idp.keys });

  it('turns a verified token into an actor', async () => {
    const token = await idp.sign({ sub: 'a', role: 'AGENCY', agencyId: 'ag', employerIds: ['e1'] });
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

  it('answers from the cache at once only for a token that verified, and only in its exact "Bearer <token>" form', async () => {
    const token = await idp.sign({ sub: 'c', role: 'MANAGER' });
    const fresh = new TokenVerifier(idp.auth, { keys: idp.keys });
    expect(fresh.cachedActor(undefined)).toBeNull();
    expect(fresh.cachedActor('')).toBeNull();
    // Not verified yet: the caller must go through fromHeader.
    expect(fresh.cachedActor(`Bearer ${token}`)).toBeUndefined();
    const actor = await fresh.fromHeader(`Bearer ${token}`);
    expect(fresh.cachedActor(`Bearer ${token}`)).toBe(actor);
    for (const other of [`bearer ${token}`, `Bearer  ${token}`, `Bearer ${token} `, `Bearer ${token}x`, 'Basic abc'])
      expect(fresh.cachedActor(other)).toBeUndefined();
    // A refused token is never cached.
    const expired = await idp.sign({ sub: 'c', role: 'MANAGER' }, { ttl: '-1h' });
    await expect(fresh.fromHeader(`Bearer ${expired}`)).rejects.toThrow(/expired/);
    expect(fresh.cachedActor(`Bearer ${expired}`)).toBeUndefined();
  });

  it('refuses expired tokens, tokens without exp, other issuers and audiences, unknown keys, and claims that do not fit the role', async () => {
    await expect(verifier.verify(await idp.sign({ sub: 'm', role: 'MANAGER' }, { ttl: '-1h' }))).rejects.toThrow(
      /expired/,
    );
    for (const bad of [
      await idp.sign({ sub: 'm', role: 'MANAGER' }, { ttl: null }),
      await idp.sign({ sub: 'm', role: 'MANAGER' }, { iss: 'http://evil.test' }),
      await idp.sign({ sub: 'm', role: 'MANAGER' }, { aud: 'another-api' }),
      await (await createTestIssuer('ES256')).sign({ sub: 'm', role: 'MANAGER' }),
    ]) {
      await expect(verifier.verify(bad)).rejects.toMatchObject({
        message: /not valid/,
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
    await expect(verifier.verify(await idp.sign({ sub: 'c', role: 'CLERK' }))).rejects.toThrow(/counterId/);
    await expect(verifier.verify(await idp.sign({ sub: 'r', role: 'ROOT' }))).rejects.toThrow(/role must be one of/);
  });

  it('refuses the none algorithm and HS256 (no shared secret is ever accepted)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ sub: 'x', role: 'MANAGER', iss: idp.auth.issuer, aud: 'onestop-api', exp: 2e9 }),
    ).toString('base64url');
    await expect(verifier.verify(`${header}.${body}.`)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const hs = await new SignJWT({ role: 'MANAGER' })
      .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
      .setSubject('m')
      .setIssuer(idp.auth.issuer)
      .setAudience('onestop-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    await expect(verifier.verify(hs)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('maps another provider’s claims through the configured mapping (Keycloak-style roles)', async () => {
    const kc = new TokenVerifier(
      {
        ...idp.auth,
        claims: {
          ...DEFAULT_CLAIM_MAPPING,
          role: 'realm_access.roles',
          roleValues: { 'onestop-clerk': 'CLERK', 'onestop-manager': 'MANAGER' },
          name: 'preferred_username',
          counterId: 'onestop_counter',
        },
      },
      { keys: idp.keys },
    );
    const clerk = await idp.sign({
      sub: 'kc-1',
      realm_access: { roles: ['offline_access', 'onestop-clerk'] },
      preferred_username: 'wang.fang',
      onestop_counter: 'haidian',
    });
    expect(await kc.verify(clerk)).toMatchObject({
      id: 'kc-1',
      role: 'CLERK',
      name: 'wang.fang',
      counterId: 'haidian',
    });
    const both = await idp.sign({ sub: 'kc-2', realm_access: { roles: ['onestop-clerk', 'onestop-manager'] } });
    await expect(kc.verify(both)).rejects.toThrow(/several OneStop roles/);
    const none = await idp.sign({ sub: 'kc-3', realm_access: { roles: ['offline_access'] } });
    await expect(kc.verify(none)).rejects.toThrow(/role must be one of/);
  });
});

describe('TokenVerifier against a provider’s discovery and JWKS', () => {
  it('finds the JWKS through discovery, verifies RS256, and accepts a rotated key without a restart', async () => {
    const first = await createTestIssuer('RS256', 'k1');
    const second = await createTestIssuer('ES256', 'k2');
    let keys = [first.jwk];
    let jwksFetches = 0;
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer: `http://127.0.0.1:${port}`, jwks_uri: `http://127.0.0.1:${port}/jwks` }));
      } else {
        jwksFetches++;
        res.end(JSON.stringify({ keys }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    try {
      const auth = { ...first.auth, issuer: `http://127.0.0.1:${port}` };
      const verifier = new TokenVerifier(auth);
      const sign = (who: typeof first, sub: string): Promise<string> =>
        who.sign({ sub, role: 'EE_OFFICER', name: 'Officer Li' }, { iss: auth.issuer });
      expect(await verifier.verify(await sign(first, 'ee-1'))).toMatchObject({ id: 'ee-1', role: 'EE_OFFICER' });
      // The provider rotates: the new key signs, the old one stays published for tokens already issued.
      keys = [second.jwk, first.jwk];
      await new Promise((r) => setTimeout(r, 5_100)); // the JWKS refetch cool-down
      expect(await verifier.verify(await sign(second, 'ee-2'))).toMatchObject({ id: 'ee-2' });
      expect(await verifier.verify(await sign(first, 'ee-3'))).toMatchObject({ id: 'ee-3' });
      expect(jwksFetches).toBe(2);
    } finally {
      server.close();
    }
  });
});

describe('TokenVerifier when the provider cannot be reached', () => {
  it('answers SERVICE_UNAVAILABLE (not UNAUTHENTICATED: signing in again would not help)', async () => {
    const idp = await createTestIssuer();
    const verifier = new TokenVerifier({ ...idp.auth, issuer: 'http://127.0.0.1:9' });
    const token = await idp.sign({ sub: 'm', role: 'MANAGER' }, { iss: 'http://127.0.0.1:9' });
    await expect(verifier.verify(token)).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
  });
});

describe('ForwardedIdentity (a subgraph behind the gateway)', () => {
  it('maps the forwarded token’s claims and refuses one that has expired or has no exp', async () => {
    const idp = await createTestIssuer();
    const forwarded = new ForwardedIdentity({ claims: DEFAULT_CLAIM_MAPPING });
    const token = await idp.sign({ sub: 'c', role: 'CLERK', counterId: 'chaoyang-cbd' });
    expect(await forwarded.fromHeader(`Bearer ${token}`)).toMatchObject({ role: 'CLERK', counterId: 'chaoyang-cbd' });
    await expect(
      forwarded.fromHeader(`Bearer ${await idp.sign({ sub: 'm', role: 'MANAGER' }, { ttl: '-1h' })}`),
    ).rejects.toThrow(/expired/);
    await expect(
      forwarded.fromHeader(`Bearer ${await idp.sign({ sub: 'm', role: 'MANAGER' }, { ttl: null })}`),
    ).rejects.toThrow(/expired/);
    expect(await forwarded.fromHeader('')).toBeNull();
  });
});
