import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { InvariantError } from '../errors.js';

/** A throwaway database on the test PostgreSQL server. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Set by the test run's global setup: the embedded server's admin URL, or DATABASE_URL when one is given. */
export const TEST_ADMIN_URL_ENV = 'ONESTOP_TEST_ADMIN_URL';

/**
 * Creates an empty database for one test file on the real PostgreSQL the test run uses, so
 * files can run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const admin = process.env[TEST_ADMIN_URL_ENV] ?? process.env.DATABASE_URL;
  if (!admin)
    throw new InvariantError(
      `${TEST_ADMIN_URL_ENV} is not set: run tests through \`pnpm test\` (vitest's global setup starts PostgreSQL).`,
    );
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      await c.end();
    },
  };
}
