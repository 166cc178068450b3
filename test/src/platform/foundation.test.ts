import { createServer, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@onestop/common/testing';
import { startTestSystem, type TestSystem, runProcess } from '../testkit/index.js';

describe('foundation: the whole system through the gateway', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem();
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('serves health and readiness for the gateway and every subgraph', async () => {
    const ready = await fetch(new URL('/ready', sys.gatewayUrl));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      subgraphs: { 'work-permit': 'ready', 'residence-permit': 'ready', 'counter-scheduling': 'ready' },
      pid: expect.any(Number),
    });
    for (const name of ['work-permit', 'residence-permit', 'counter-scheduling'] as const) {
      const health = await fetch(new URL('/health', sys.stack.urls[name]));
      expect(await health.json()).toMatchObject({ status: 'ok', service: name });
    }
  });

  it('rejects an operation without a token', async () => {
    const res = await sys.gql('{ serviceCounters { id } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects a forged token with 401', async () => {
    const res = await sys.gql(
      '{ serviceCounters { id } }',
      {},
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6Ik1BTkFHRVIifQ.bad',
    );
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a direct subgraph request that the gateway did not sign, including _entities and _service', async () => {
    const token = await sys.token('MANAGER');
    for (const query of [
      '{ _service { sdl } }',
      '{ _entities(representations: [{ __typename: "Case", id: "x" }]) { __typename } }',
    ]) {
      const res = await fetch(sys.stack.urls['work-permit'], {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        'FORBIDDEN',
      );
    }
  });

  it('seeds the 15 one-stop counters', async () => {
    const res = await sys.gql<{ serviceCounters: { id: string; district: string }[] }>(
      '{ serviceCounters { id district } }',
      {},
      await sys.token('MANAGER'),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.serviceCounters).toHaveLength(15);
    expect(new Set(res.data!.serviceCounters.map((c) => c.district)).size).toBeGreaterThanOrEqual(12);
  });

  it('keeps every process up when PostgreSQL drops their connections, and the next request succeeds', async () => {
    const token = await sys.token('MANAGER');
    const query = '{ serviceCounters { id } }';
    expect((await sys.gql(query, {}, token)).errors).toBeUndefined();
    const killed = await sys.sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    expect(killed.rowCount).toBeGreaterThan(3);
    // The pool notices dead connections on use; one request may fail while it does, the next must succeed.
    let last = await sys.gql(query, {}, token);
    for (let i = 0; i < 5 && last.errors; i++) last = await sys.gql(query, {}, token);
    expect(last.errors).toBeUndefined();
    const ready = await fetch(new URL('/ready', sys.gatewayUrl));
    expect(ready.status).toBe(200);
  });
});

describe('foundation: production mode has no clock control', () => {
  it('a subgraph started with NODE_ENV=production answers 404 on /dev/clock, for reading and for moving it', async () => {
    const db = await createTestDatabase('prod');
    const { spawn } = await import('node:child_process');
    const { freePort, repoRoot } = await import('@onestop/scripts');
    const port = await freePort();
    const child = spawn(process.execPath, [`${repoRoot}/services/work-permit/dist/main.js`], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        DATABASE_URL: db.url,
        WORK_PERMIT_PORT: String(port),
        WORK_PERMIT_FILES_PORT: '0',
        OIDC_ISSUER: 'https://idp.example.gov.cn/realms/onestop',
        SUBGRAPH_SECRET_WORK_PERMIT: 'a-production-subgraph-secret-0123456789',
        IDENTITY_ADMIN_SECRET: 'a-production-identity-admin-secret-0123456789',
      },
      stdio: 'ignore',
    });
    try {
      let ready = false;
      for (let i = 0; i < 200 && !ready; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/dev/clock`)).status).toBe(404);
      expect(
        (await fetch(`http://127.0.0.1:${port}/dev/clock`, { method: 'POST', body: '{"advanceMs":1}' })).status,
      ).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await db.drop();
    }
  });
});

describe('foundation: start-up failures are one line that says what to do', () => {
  const entry = 'services/work-permit/dist/main.js';

  it('a DATABASE_URL that is not a postgres URL', async () => {
    const r = await runProcess(entry, { DATABASE_URL: 'mysql://nope', WORK_PERMIT_PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: DATABASE_URL must be a postgres:\/\/ URL/);
  });

  it('a DATABASE_URL where nothing answers', async () => {
    const r = await runProcess(entry, {
      DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/db',
      WORK_PERMIT_PORT: '0',
      DB_CONNECT_TIMEOUT_MS: '500',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/did not answer.*Check DATABASE_URL/);
    expect(r.stderr).not.toContain('secret');
  });

  describe('with a real database', () => {
    let busy: Server;
    let port: number;
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    beforeAll(async () => {
      db = await createTestDatabase('startup');
      busy = createServer();
      await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
      port = (busy.address() as { port: number }).port;
    });
    afterAll(async () => {
      busy.close();
      await db.drop();
    });

    it('a port in use', async () => {
      const r = await runProcess(entry, { DATABASE_URL: db.url, WORK_PERMIT_PORT: String(port) });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain(`Port ${port} is in use`);
      expect(r.stderr).toContain('WORK_PERMIT_PORT');
    });

    it('a database with a migration this build does not know', async () => {
      const first = await runProcess(entry, { DATABASE_URL: db.url, WORK_PERMIT_PORT: String(port) });
      expect(first.code).toBe(1); // port busy, but migrations ran first
      const pg = await import('pg');
      const c = new pg.default.Client({ connectionString: db.url });
      await c.connect();
      await c.query(`INSERT INTO wp.migrations (timestamp, name) VALUES (1999999999999, 'FromTheFuture1999999999999')`);
      await c.end();
      const r = await runProcess(entry, { DATABASE_URL: db.url, WORK_PERMIT_PORT: '0' });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/has migrations this build does not know \(FromTheFuture1999999999999\)/);
    });

    it('entities that need a migration nobody wrote', async () => {
      const other = await createTestDatabase('drift');
      try {
        const pg = await import('pg');
        // Apply the migrations, then take away a column the entities need, as a missing migration would.
        await runProcess(entry, { DATABASE_URL: other.url, WORK_PERMIT_PORT: String(port) });
        const c = new pg.default.Client({ connectionString: other.url });
        await c.connect();
        await c.query(`ALTER TABLE wp.employer DROP COLUMN name`);
        await c.end();
        const r = await runProcess(entry, { DATABASE_URL: other.url, WORK_PERMIT_PORT: '0' });
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
        expect(r.stderr).toMatch(/^error: Missing migration in schema "wp"/);
      } finally {
        await other.drop();
      }
    });
  });
});
