import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { returned } from '../clients/api-clients.js';

/**
 * oidc-provider's storage on PostgreSQL (its Adapter interface): one row per stored model
 * instance (Session, Grant, AuthorizationCode, RefreshToken, Interaction, …), the payload as
 * JSON, with the lookups the provider needs (by uid, user code, grant) and an expiry. Expired
 * rows are never returned and are swept at start-up and hourly. Clients are not stored here:
 * static ones are configuration, partner agencies' come from `identity.api_client`.
 */
export class PgAdapter implements Adapter {
  constructor(
    private readonly ds: DataSource,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    await this.ds.query(
      `INSERT INTO identity.oidc_payload (model, id, payload, grant_id, uid, user_code, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int > 0 THEN now() + make_interval(secs => $7::int) END)
       ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
         uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
      [
        this.model,
        id,
        JSON.stringify(payload),
        payload.grantId ?? null,
        payload.uid ?? null,
        payload.userCode ?? null,
        Math.max(0, Math.floor(expiresIn ?? 0)),
      ],
    );
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.one(`model = $1 AND id = $2`, [this.model, id]);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.one(`model = $1 AND uid = $2`, [this.model, uid]);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.one(`model = $1 AND user_code = $2`, [this.model, userCode]);
  }

  async consume(id: string): Promise<void> {
    await this.ds.query(`UPDATE identity.oidc_payload SET consumed_at = now() WHERE model = $1 AND id = $2`, [
      this.model,
      id,
    ]);
  }

  async destroy(id: string): Promise<void> {
    await this.ds.query(`DELETE FROM identity.oidc_payload WHERE model = $1 AND id = $2`, [this.model, id]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.ds.query(`DELETE FROM identity.oidc_payload WHERE grant_id = $1`, [grantId]);
  }

  private async one(where: string, params: unknown[]): Promise<AdapterPayload | undefined> {
    const rows: { payload: AdapterPayload; consumed: number | null }[] = await this.ds.query(
      `SELECT payload, extract(epoch FROM consumed_at)::bigint AS consumed FROM identity.oidc_payload
       WHERE ${where} AND (expires_at IS NULL OR expires_at > now())`,
      params,
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.consumed ? { ...row.payload, consumed: Number(row.consumed) } : row.payload;
  }
}

/** Deletes expired rows (the provider never reads them). */
export async function sweepExpired(ds: DataSource): Promise<number> {
  const rows = returned<unknown>(
    await ds.query(`DELETE FROM identity.oidc_payload WHERE expires_at < now() - interval '1 minute' RETURNING 1`),
  );
  return rows.length;
}
