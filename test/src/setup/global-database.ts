import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@onestop/common';
import { TEST_ADMIN_URL_ENV } from '@onestop/common/testing';
import { freePort } from '@onestop/scripts';

/**
 * Vitest global setup: one real PostgreSQL for the whole run (embedded, on a free port, in a
 * temporary directory removed afterwards), unless DATABASE_URL points at a server to use.
 * Each test file then creates its own database on it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    process.env[TEST_ADMIN_URL_ENV] = process.env.DATABASE_URL;
    return async () => undefined;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'onestop-test-pg-'));
  // mkdtemp makes it 0700; as root PostgreSQL runs as 'postgres', which must enter it (and
  // the embedded server changes only directories it creates itself).
  await chmod(dir, 0o755);
  const port = await freePort();
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, database: 'postgres' });
  process.env[TEST_ADMIN_URL_ENV] = db.url;
  return async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
