/**
 * The container deployment's entry points, run as the images run them: the one-shot migration
 * job (`node scripts/dist/migrate.js`), a subgraph with ONESTOP_MIGRATIONS=verify that refuses
 * to start before the job and starts after it, /metrics in production: on METRICS_PORT only,
 * never on the service port, work-permit's attachment file endpoint on its own port, and the
 * identity image's provider, which migrates its own schema (decision 0014).
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@onestop/common/testing';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, repoRoot } from '@onestop/scripts';
import pg from 'pg';
import { runProcess, waitFor } from '../testkit/index.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  OIDC_ISSUER: 'https://id.onestop.example',
  IDENTITY_ADMIN_SECRET: 'a-production-identity-admin-secret-0123456789',
  SUBGRAPH_SECRET_WORK_PERMIT: 'a-production-subgraph-secret-0123456789',
  // As compose and the manifests set them (docs/deploy.md: attachments).
  ATTACHMENTS_URL_SECRET: 'a-production-attachment-url-secret-0123456789',
  ATTACHMENTS_PUBLIC_URL: 'https://files.onestop.example',
  ATTACHMENTS_FRAME_ANCESTORS: 'https://onestop.example',
};

describe('deployment entry points: the migration job, verify mode, metrics port', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('deploy');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  it('a subgraph with ONESTOP_MIGRATIONS=verify refuses to start on a database the job has not migrated, and writes nothing', async () => {
    const r = await runProcess(
      'services/work-permit/dist/main.js',
      { DATABASE_URL: db.url, WORK_PERMIT_PORT: '0', ONESTOP_MIGRATIONS: 'verify' },
      60_000,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/migrations pending and ONESTOP_MIGRATIONS=verify: run the migration job/);
    const schemas = await sql.query(
      `SELECT 1 FROM information_schema.schemata WHERE schema_name IN ('platform', 'wp', 'rp', 'cs')`,
    );
    expect(schemas.rowCount).toBe(0);
  });

  it('the migration job applies every schema’s migrations, and a second run finds nothing to do', async () => {
    for (let run = 0; run < 2; run++) {
      // As deployed: the job shares the services' settings, ONESTOP_MIGRATIONS=verify included, and applies anyway.
      const r = await runProcess(
        'scripts/dist/migrate.js',
        { DATABASE_URL: db.url, ONESTOP_MIGRATIONS: 'verify' },
        120_000,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('migrations up to date: work-permit, residence-permit, counter-scheduling');
    }
    for (const [schema, service] of [
      ['wp', 'work-permit'],
      ['rp', 'residence-permit'],
      ['cs', 'counter-scheduling'],
    ] as const) {
      // One migration per file, named after the file's timestamp (a migration's spec beside it is not one).
      const files = (await readdir(`${repoRoot}/services/${service}/src/migrations`)).filter(
        (f) => /^\d+-.*\.ts$/.test(f) && !f.endsWith('.spec.ts'),
      );
      const applied = await sql.query<{ name: string }>(`SELECT name FROM ${schema}.migrations ORDER BY id`);
      expect(applied.rows.map((m) => /\d+$/.exec(m.name)?.[0]).sort()).toEqual(
        files.map((f) => f.split('-')[0]).sort(),
      );
    }
    expect((await sql.query('SELECT count(*)::int AS n FROM platform.migrations')).rows[0].n).toBeGreaterThan(0);
    // Six processes, each loading its subgraph: a loaded machine needs more than the default.
  }, 300_000);

  it(
    'after the job, the subgraph starts in verify mode; in production /metrics is on METRICS_PORT, not the service port',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const metricsPort = await freePort();
      const filesPort = await freePort();
      const attachmentsDir = path.join(tmpdir(), `onestop-deploy-attachments-${process.pid}`);
      const child = spawn(process.execPath, [`${repoRoot}/services/work-permit/dist/main.js`], {
        env: {
          ...process.env,
          ...PRODUCTION,
          LOG_LEVEL: 'silent',
          DATABASE_URL: db.url,
          WORK_PERMIT_PORT: String(port),
          WORK_PERMIT_FILES_PORT: String(filesPort),
          ATTACHMENTS_DIR: attachmentsDir,
          METRICS_PORT: String(metricsPort),
          ONESTOP_MIGRATIONS: 'verify',
        },
        stdio: 'ignore',
      });
      try {
        await waitFor(
          () =>
            fetch(`http://127.0.0.1:${port}/ready`).then(
              (r) => r.ok,
              () => false,
            ),
          60_000,
          'work-permit ready in verify mode',
        );
        expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
        const lag = /onestop_event_consumer_lag\{consumer="work-permit\.case-lifecycle",service="work-permit"\} \d+/;
        const text = await waitFor(
          async () => {
            const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
            expect(metrics.status).toBe(200);
            const t = await metrics.text();
            return lag.test(t) ? t : undefined;
          },
          30_000,
          'the consumer lag on the metrics port',
        );
        expect(text).toContain('# TYPE onestop_db_pool_connections gauge');
        // The attachment file endpoint answers on its own port (the Service's `files`), and only there.
        const files = await fetch(`http://127.0.0.1:${filesPort}/health`);
        expect(await files.json()).toMatchObject({ service: 'work-permit-files' });
        const forged = await fetch(`http://127.0.0.1:${filesPort}/files/v/not-a-token-the-server-signed`);
        expect(forged.status).toBe(403);
        expect(forged.headers.get('x-content-type-options')).toBe('nosniff');
        expect((await fetch(`http://127.0.0.1:${port}/files/v/not-a-token-the-server-signed`)).status).toBe(404);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
        await rm(attachmentsDir, { recursive: true, force: true });
      }
    },
  );
});

describe('the identity image: the embedded provider as deployed', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('deploy_identity');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  it(
    'starts in production with the images’ settings (ONESTOP_MIGRATIONS=verify, METRICS_PORT), migrates its own schema, names the issuer OneStop trusts, and seeds no accounts',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const issuer = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, [`${repoRoot}/services/identity/dist/main.js`], {
        env: {
          ...process.env,
          NODE_ENV: 'production',
          LOG_LEVEL: 'silent',
          DATABASE_URL: db.url,
          IDENTITY_PORT: String(port),
          // compose and the identity component: IDENTITY_ISSUER is the OIDC_ISSUER every process trusts.
          OIDC_ISSUER: issuer,
          IDENTITY_ISSUER: issuer,
          IDENTITY_DASHBOARD_ORIGINS: 'https://onestop.example',
          IDENTITY_ADMIN_SECRET: PRODUCTION.IDENTITY_ADMIN_SECRET,
          ONESTOP_MIGRATIONS: 'verify',
          METRICS_PORT: String(await freePort()),
        },
        stdio: 'ignore',
      });
      try {
        await waitFor(
          () =>
            fetch(`${issuer}/ready`).then(
              (r) => r.ok,
              () => false,
            ),
          60_000,
          'identity ready',
        );
        const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
          issuer: string;
          jwks_uri: string;
        };
        expect(discovery.issuer).toBe(issuer);
        // What the gateway reads through OIDC_JWKS_URL=http://identity:4004/jwks.
        expect(discovery.jwks_uri).toBe(`${issuer}/jwks`);
        const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] };
        expect(jwks.keys.length).toBeGreaterThan(0);
        // Production mode: no staff accounts are seeded (docs/deploy.md: identity on one host).
        expect((await sql.query('SELECT count(*)::int AS n FROM identity.account')).rows[0].n).toBe(0);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  );
});
