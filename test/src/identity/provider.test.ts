import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { DEV_TOKEN_GRANT, requestDevToken } from '@onestop/common';
import { createTestDatabase, DEMO_AGENCIES } from '@onestop/common/testing';
import { freePort, repoRoot } from '@onestop/scripts';
import { DEMO_API_CLIENTS, rotateSigningKeys } from '@onestop/identity';
import { decodeProtectedHeader, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  appendEvent,
  startTestSystem,
  waitFor,
  type TestSystem,
  AGENCY_A,
  AGENCY_B,
  agencyToken,
  fileCase,
  filing,
  today,
} from '../testkit/index.js';

/**
 * Real sign-in end to end (issue 14): the stack's embedded OpenID Connect provider issues the
 * tokens, the gateway verifies them against its JWKS. Partner agencies use client credentials;
 * every token the gateway accepts is signed by a published key, for OneStop's audience, by the
 * configured issuer, and expires.
 */
let sys: TestSystem;
let discovery: { token_endpoint: string; jwks_uri: string; issuer: string };

const CASES = `query { cases(first: 50) { edges { node { id reference employer { id } } } } }`;
const COUNTERS = `{ serviceCounters { id } }`;

/** Client credentials as an agency's system would ask for them. */
async function clientCredentials(
  clientId: string,
  secret: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'onestop' }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The provider's active signing key (private), to sign tokens that differ from a good one in one claim only. */
async function activeKey(): Promise<{ key: CryptoKey; kid: string }> {
  const rows = await sys.sql.query<{ private_jwk: JWK }>(
    `SELECT private_jwk FROM identity.signing_key WHERE state = 'ACTIVE'`,
  );
  const jwk = rows.rows[0]!.private_jwk;
  return { key: (await importJWK(jwk, 'RS256')) as CryptoKey, kid: jwk.kid! };
}

beforeAll(async () => {
  sys = await startTestSystem();
  discovery = (await (await fetch(`${sys.issuer}/.well-known/openid-configuration`)).json()) as typeof discovery;
});

afterAll(async () => {
  await sys?.stop();
});

describe('the embedded provider', () => {
  it('publishes discovery and an asymmetric JWKS, and advertises code + PKCE, refresh and client credentials', async () => {
    const doc = (await (await fetch(`${sys.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(doc.issuer).toBe(sys.issuer);
    expect(doc.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: JWK[] };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of jwks.keys) {
      expect(k.kty).toBe('RSA');
      expect(k.d).toBeUndefined(); // public parts only
    }
  });
});

describe('partner agencies: client credentials', () => {
  it('an agency’s client-credentials token works at the gateway and sees only its own employers’ cases', async () => {
    const day = await today(sys);
    const ownCase = await fileCase(sys, await agencyToken(sys, 0), filing(AGENCY_A.employerIds[0], day));
    const otherCase = await fileCase(sys, await agencyToken(sys, 1), filing(AGENCY_B.employerIds[0], day));
    const client = DEMO_API_CLIENTS[0]!;
    const { status, body } = await clientCredentials(client.clientId, client.secret);
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(Number(body.expires_in)).toBeLessThanOrEqual(300); // short: a revoked client's tokens die soon
    const token = String(body.access_token);
    const res = await sys.gql<{ cases: { edges: { node: { id: string; employer: { id: string } } }[] } }>(
      CASES,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    const ids = res.data!.cases.edges.map((e) => e.node.id);
    expect(ids).toContain(ownCase.id);
    expect(ids).not.toContain(otherCase.id);
    for (const e of res.data!.cases.edges) expect(DEMO_AGENCIES[0].employerIds).toContain(e.node.employer.id);
    const foreign = await sys.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: otherCase.id }, token);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a wrong secret and an unknown client', async () => {
    expect((await clientCredentials(DEMO_API_CLIENTS[0]!.clientId, 'not-the-secret')).body.error).toBe(
      'invalid_client',
    );
    expect((await clientCredentials('no-such-client', 'x')).body.error).toBe('invalid_client');
  });

  it('a revoked client’s next token request fails', async () => {
    const client = DEMO_API_CLIENTS[1]!;
    expect((await clientCredentials(client.clientId, client.secret)).status).toBe(200);
    await sys.sql.query(`UPDATE identity.api_client SET revoked_at = now(), revoked_by = 'test' WHERE client_id = $1`, [
      client.clientId,
    ]);
    const after = await clientCredentials(client.clientId, client.secret);
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('invalid_client');
  });
});

describe('a MANAGER administers agencies’ API clients through the GraphQL API', () => {
  const REGISTER = `mutation($agencyId: ID!, $name: String) { registerAgencyApiClient(agencyId: $agencyId, name: $name) {
    clientSecret tokenEndpoint client { clientId agencyId name employerIds secretVersion revokedAt } } }`;
  const ROTATE = `mutation($id: ID!) { rotateAgencyApiClientSecret(clientId: $id) { clientSecret client { clientId secretVersion } } }`;
  const REVOKE = `mutation($id: ID!) { revokeAgencyApiClient(clientId: $id) { clientId revokedAt } }`;
  const LIST = `query($agencyId: ID!) { agencyApiClients(agencyId: $agencyId) { clientId revokedAt } }`;
  type Registered = {
    registerAgencyApiClient: {
      clientSecret: string;
      tokenEndpoint: string;
      client: { clientId: string; agencyId: string; employerIds: string[]; secretVersion: number };
    };
  };

  it('refuses anyone but a MANAGER, and an unknown agency, writing nothing', async () => {
    const before = await sys.sql.query(`SELECT count(*)::int AS n FROM identity.api_client`);
    const anonymous = await sys.gql(REGISTER, { agencyId: AGENCY_B.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const role of ['WP_OFFICER', 'CLERK', 'AGENCY'] as const) {
      const res = await sys.gql(REGISTER, { agencyId: AGENCY_B.id }, await sys.token(role));
      expect(res.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN');
    }
    const unknown = await sys.gql(
      REGISTER,
      { agencyId: '00000000-0000-4000-8000-000000000000' },
      await sys.token('MANAGER'),
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await sys.sql.query(`SELECT count(*)::int AS n FROM identity.api_client`)).rows[0].n).toBe(
      before.rows[0].n,
    );
  });

  it('registers, rotates and revokes a client; the agency exchanges it for tokens until then; every change is audited', async () => {
    const manager = await sys.token('MANAGER', { sub: 'manager-zhao', name: 'Zhao Min' });
    const reg = await sys.gql<Registered>(REGISTER, { agencyId: AGENCY_B.id, name: 'Yizhuang integration' }, manager);
    expect(reg.errors).toBeUndefined();
    const { clientSecret, client, tokenEndpoint } = reg.data!.registerAgencyApiClient;
    expect(tokenEndpoint).toBe(discovery.token_endpoint);
    expect(client).toMatchObject({ agencyId: AGENCY_B.id, secretVersion: 1 });
    expect([...client.employerIds].sort()).toEqual([...AGENCY_B.employerIds].sort());
    const stored = await sys.sql.query(`SELECT secret_hash FROM identity.api_client WHERE client_id = $1`, [
      client.clientId,
    ]);
    expect(stored.rows[0].secret_hash).toMatch(/^scrypt\$/);
    expect(stored.rows[0].secret_hash).not.toContain(clientSecret);

    const first = await clientCredentials(client.clientId, clientSecret);
    expect(first.status).toBe(200);
    const me = await sys.gql<{ cases: { edges: { node: { employer: { id: string } } }[] } }>(
      CASES,
      {},
      String(first.body.access_token),
    );
    expect(me.errors).toBeUndefined();
    for (const e of me.data!.cases.edges) expect(AGENCY_B.employerIds).toContain(e.node.employer.id);

    const rotated = await sys.gql<{
      rotateAgencyApiClientSecret: { clientSecret: string; client: { secretVersion: number } };
    }>(ROTATE, { id: client.clientId }, manager);
    expect(rotated.errors, sys.logs.filter((l) => l.includes('identity')).join('\n')).toBeUndefined();
    expect(rotated.data!.rotateAgencyApiClientSecret.client.secretVersion).toBe(2);
    expect((await clientCredentials(client.clientId, clientSecret)).body.error).toBe('invalid_client');
    const newSecret = rotated.data!.rotateAgencyApiClientSecret.clientSecret;
    expect((await clientCredentials(client.clientId, newSecret)).status).toBe(200);

    const revoked = await sys.gql<{ revokeAgencyApiClient: { revokedAt: string | null } }>(
      REVOKE,
      { id: client.clientId },
      manager,
    );
    expect(revoked.data!.revokeAgencyApiClient.revokedAt).toBeTruthy();
    expect((await clientCredentials(client.clientId, newSecret)).body.error).toBe('invalid_client');
    const again = await sys.gql(ROTATE, { id: client.clientId }, manager);
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const listed = await sys.gql<{ agencyApiClients: { clientId: string; revokedAt: string | null }[] }>(
      LIST,
      { agencyId: AGENCY_B.id },
      manager,
    );
    expect(listed.data!.agencyApiClients.find((c) => c.clientId === client.clientId)?.revokedAt).toBeTruthy();
    const audit = await sys.sql.query(
      `SELECT action, actor_id, actor_name FROM identity.api_client_audit WHERE client_id = $1 ORDER BY id`,
      [client.clientId],
    );
    expect(audit.rows).toEqual([
      { action: 'REGISTERED', actor_id: 'manager-zhao', actor_name: 'Zhao Min' },
      { action: 'SECRET_ROTATED', actor_id: 'manager-zhao', actor_name: 'Zhao Min' },
      { action: 'REVOKED', actor_id: 'manager-zhao', actor_name: 'Zhao Min' },
    ]);
  });
});

describe('the gateway verifies every token', () => {
  const claims = { role: 'MANAGER', name: 'Test manager' };

  it('accepts the provider’s token, and refuses one from another issuer, for another audience, without exp, or signed by an unknown key', async () => {
    const { key, kid } = await activeKey();
    const sign = (opts: { iss?: string; aud?: string; exp?: boolean; kid?: string; signWith?: CryptoKey }) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? kid, typ: 'at+jwt' })
        .setSubject('manager-x')
        .setIssuer(opts.iss ?? sys.issuer)
        .setAudience(opts.aud ?? 'onestop-api')
        .setIssuedAt();
      if (opts.exp !== false) jwt.setExpirationTime('10m');
      return jwt.sign(opts.signWith ?? key);
    };
    // The control: the same construction, with every claim right, is accepted.
    expect((await sys.gql(COUNTERS, {}, await sign({}))).errors).toBeUndefined();
    const stranger = await generateKeyPair('RS256');
    const refused = {
      'another issuer': await sign({ iss: 'https://idp.example.com' }),
      'another audience': await sign({ aud: 'another-api' }),
      'no exp': await sign({ exp: false }),
      'an unknown key': await sign({ kid: 'unknown-key', signWith: stranger.privateKey }),
      'an unknown key with a known kid': await sign({ signWith: stranger.privateKey }),
    };
    for (const [what, token] of Object.entries(refused)) {
      const res = await sys.gql(COUNTERS, {}, token);
      expect(res.status, what).toBe(401);
      expect(res.errors?.[0]?.extensions?.code, what).toBe('UNAUTHENTICATED');
    }
  });

  it('takes a key rotation without a restart: new tokens carry the new key, tokens signed before still work', async () => {
    const before = await sys.token('EE_OFFICER', { sub: 'before-rotation' });
    const oldKid = decodeProtectedHeader(before).kid;
    const client = await sys.sql.connect();
    let newKid: string;
    try {
      newKid = await rotateSigningKeys(client);
    } finally {
      client.release();
    }
    expect(newKid).not.toBe(oldKid);
    const jwks = (await waitFor(
      async () => {
        const set = (await (await fetch(discovery.jwks_uri)).json()) as { keys: JWK[] };
        return set.keys.some((k) => k.kid === newKid) && set;
      },
      15_000,
      'the provider to publish the new key',
    )) as { keys: JWK[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([newKid, oldKid]); // two keys published: the new and the previous
    const after = await waitFor(
      async () => {
        const t = await sys.token('EE_OFFICER', { sub: `after-rotation-${Date.now()}` });
        return decodeProtectedHeader(t).kid === newKid && t;
      },
      15_000,
      'a token signed with the new key',
    );
    const res = await waitFor(
      async () => {
        const r = await sys.gql(COUNTERS, {}, after as string);
        return r.errors ? false : r;
      },
      15_000,
      'the gateway to accept the new key',
    );
    expect(res.status).toBe(200);
    expect((await sys.gql(COUNTERS, {}, before)).errors).toBeUndefined();
  });
});

describe('a live subscription across a token renewal', () => {
  it('re-authenticates with the renewed token and resumes with `since`: no event lost, none repeated', async () => {
    const SUB = 'subscription ($since: ID) { slaBreached(since: $since) { eventId kind threshold } }';
    let current = await sys.token('MANAGER', { sub: 'renewing-manager' });
    const presented: string[] = [];
    const received: string[] = [];
    let connections = 0;
    let unsubscribe = (): void => undefined;
    const client: Client = createClient({
      url: sys.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      // As the dashboard does: the token of the moment at every (re)connection, and retry at once.
      connectionParams: () => {
        presented.push(current);
        return { authorization: `Bearer ${current}` };
      },
      retryAttempts: 20,
      shouldRetry: () => true,
      retryWait: () => new Promise((r) => setTimeout(r, 100)),
      on: {
        connected: () => {
          connections++;
          // After a reconnection, subscribe again from the last event received (the dashboard's live views).
          if (connections > 1) subscribe(received.at(-1) ?? null);
        },
      },
    });
    const subscribe = (since: string | null): void => {
      unsubscribe();
      unsubscribe = client.subscribe<{ slaBreached: { eventId: string } }>(
        { query: SUB, variables: { since } },
        {
          next: (r) => {
            if (r.data) received.push(r.data.slaBreached.eventId);
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    };
    const breach = (n: number): Promise<string> =>
      appendEvent(sys.sql, {
        type: 'sla.breached',
        source: 'counter-scheduling',
        aggregateId: `renewal-clock-${n}`,
        payload: {
          clockId: `renewal-clock-${n}`,
          caseId: `renewal-case-${n}`,
          kind: 'ISSUANCE',
          threshold: 100,
          counterId: null,
          category: 'B',
          dueAt: new Date().toISOString(),
          at: new Date().toISOString(),
        },
      });
    try {
      const start = await breach(0);
      subscribe(start);
      await waitFor(() => connections === 1, 15_000, 'the first connection');
      const first = await breach(1);
      await waitFor(() => received.includes(first), 15_000, 'the first live event');

      // The token is renewed: the connection is re-established with the new one (graphql-ws
      // authenticates once per connection), while events keep being appended.
      const renewed = await sys.token('MANAGER', { sub: 'renewing-manager', name: 'renewed' });
      expect(renewed).not.toBe(current);
      current = renewed;
      client.terminate();
      const during = [await breach(2), await breach(3)];
      await waitFor(() => connections === 2, 15_000, 'the reconnection');
      const after = await breach(4);
      await waitFor(() => received.includes(after), 15_000, 'the events after the renewal');

      expect(presented.at(-1)).toBe(renewed);
      expect(received).toEqual([first, ...during, after]);
    } finally {
      unsubscribe();
      await client.dispose();
    }
  });
});

describe('the embedded provider in production', () => {
  it('has no development grant, no development client, no demo accounts and no demo agency clients', async () => {
    const db = await createTestDatabase('idprod');
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [path.join(repoRoot, 'services/identity/dist/main.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        DATABASE_URL: db.url,
        IDENTITY_PORT: String(port),
        OIDC_ISSUER: issuer,
        IDENTITY_ADMIN_SECRET: 'a-production-admin-secret-0123456789',
      },
      stdio: 'ignore',
    });
    try {
      await waitFor(async () => (await fetch(`${issuer}/ready`)).ok, 60_000, 'the production identity provider');
      const config = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
        grant_types_supported: string[];
      };
      expect(config.grant_types_supported).not.toContain(DEV_TOKEN_GRANT);
      await expect(requestDevToken(issuer, { sub: 'x', role: 'MANAGER' })).rejects.toThrow(/refused/);
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      try {
        const counts = await pool.query<{ accounts: number; clients: number }>(
          `SELECT (SELECT count(*)::int FROM identity.account) AS accounts,
                  (SELECT count(*)::int FROM identity.api_client) AS clients`,
        );
        expect(counts.rows[0]).toEqual({ accounts: 0, clients: 0 });
      } finally {
        await pool.end();
      }
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await db.drop();
    }
  });
});
