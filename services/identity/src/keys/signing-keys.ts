import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** PostgreSQL channel on which every instance of the provider hears that the keys changed. */
export const KEYS_CHANNEL = 'identity_keys';

/** The algorithm of the provider's signing keys (ID tokens and JWT access tokens). */
export const SIGNING_ALG = 'RS256' as const;

async function newKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: SIGNING_ALG, use: 'sig' };
}

async function insertActive(m: EntityManager | DataSource, jwk: JWK): Promise<void> {
  await m.query(`INSERT INTO identity.signing_key (kid, private_jwk, state) VALUES ($1, $2, 'ACTIVE')`, [
    jwk.kid,
    JSON.stringify(jwk),
  ]);
}

/** Makes the first signing key when there is none (first start on an empty database). */
export async function ensureSigningKey(ds: DataSource): Promise<void> {
  await ds.transaction(async (m) => {
    await m.query(`LOCK TABLE identity.signing_key IN SHARE ROW EXCLUSIVE MODE`);
    const rows: unknown[] = await m.query(`SELECT 1 FROM identity.signing_key WHERE state = 'ACTIVE'`);
    if (rows.length === 0) await insertActive(m, await newKey());
  });
}

/**
 * The published key set, private parts included (the provider signs with the first): the active
 * key, then the previous one, still published so tokens it signed keep verifying until they expire.
 */
export async function loadSigningKeys(ds: DataSource): Promise<JWK[]> {
  const rows: { private_jwk: JWK }[] = await ds.query(
    `SELECT private_jwk FROM identity.signing_key WHERE state IN ('ACTIVE', 'PREVIOUS')
     ORDER BY state = 'ACTIVE' DESC, created_at DESC`,
  );
  return rows.map((r) => r.private_jwk);
}

/** Anything that runs SQL on one connection (a pg client, or a TypeORM query runner). */
interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Rotates the signing key: a new key signs from now on, the one it replaces stays published as
 * the previous key (two keys in the JWKS), the one before that is retired. Every instance of the
 * provider reloads its keys on the notification; verifiers pick the new key up from the JWKS
 * when they first meet its `kid`. `db` is one connection (the rotation is one transaction).
 * Returns the new key's id.
 */
export async function rotateSigningKeys(db: Sql): Promise<string> {
  const jwk = await newKey();
  await db.query('BEGIN');
  try {
    await db.query(`LOCK TABLE identity.signing_key IN SHARE ROW EXCLUSIVE MODE`);
    await db.query(`UPDATE identity.signing_key SET state = 'RETIRED' WHERE state = 'PREVIOUS'`);
    await db.query(`UPDATE identity.signing_key SET state = 'PREVIOUS', rotated_at = now() WHERE state = 'ACTIVE'`);
    await db.query(`INSERT INTO identity.signing_key (kid, private_jwk, state) VALUES ($1, $2, 'ACTIVE')`, [
      jwk.kid,
      JSON.stringify(jwk),
    ]);
    await db.query(`SELECT pg_notify($1, $2)`, [KEYS_CHANNEL, jwk.kid]);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
  return jwk.kid!;
}

/** Rotates when the active key is older than `maxAgeDays` (scheduled by the provider); true when it did. */
export async function rotateIfOlderThan(ds: DataSource, maxAgeDays: number): Promise<boolean> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    const rows = (await runner.query(
      `SELECT 1 FROM identity.signing_key WHERE state = 'ACTIVE' AND created_at < now() - make_interval(days => $1)`,
      [maxAgeDays],
    )) as unknown[];
    if (rows.length === 0) return false;
    await rotateSigningKeys(runner);
    return true;
  } finally {
    await runner.release();
  }
}

/** Keys for the provider's cookies (kept in the database so sessions survive restarts and replicas agree). */
export async function cookieKeys(ds: DataSource): Promise<string[]> {
  await ds.query(`INSERT INTO identity.setting (key, value) VALUES ('cookie_keys', $1) ON CONFLICT (key) DO NOTHING`, [
    JSON.stringify([randomBytes(32).toString('base64url')]),
  ]);
  const rows: { value: string[] }[] = await ds.query(`SELECT value FROM identity.setting WHERE key = 'cookie_keys'`);
  return rows[0]!.value;
}
