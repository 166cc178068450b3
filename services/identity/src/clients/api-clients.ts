import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { hashSecret, newClientSecret } from '../accounts/secrets.js';

/** A partner agency's API client (client credentials), as the provider and the API show it. */
export interface ApiClient {
  clientId: string;
  agencyId: string;
  name: string;
  employerIds: string[];
  secretVersion: number;
  createdAt: Date;
  revokedAt: Date | null;
}

interface ApiClientRow {
  client_id: string;
  agency_id: string;
  name: string;
  employer_ids: string[];
  secret_hash: string;
  secret_version: number;
  created_at: Date;
  revoked_at: Date | null;
}

const toClient = (r: ApiClientRow): ApiClient => ({
  clientId: r.client_id,
  agencyId: r.agency_id,
  name: r.name,
  employerIds: r.employer_ids,
  secretVersion: r.secret_version,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** Partner agencies' API clients: the provider reads them to authenticate a client; secrets are stored hashed. */
export class ApiClientStore {
  constructor(private readonly ds: DataSource) {}

  /** A client that may ask for tokens (not revoked), with its secret hash. */
  async active(clientId: string): Promise<(ApiClient & { secretHash: string }) | undefined> {
    const rows: ApiClientRow[] = await this.ds.query(
      `SELECT * FROM identity.api_client WHERE client_id = $1 AND revoked_at IS NULL`,
      [clientId],
    );
    return rows[0] ? { ...toClient(rows[0]), secretHash: rows[0].secret_hash } : undefined;
  }

  /** An agency's clients, newest first (revoked ones too: the audit trail shows them). */
  async list(agencyId: string): Promise<ApiClient[]> {
    const rows: ApiClientRow[] = await this.ds.query(
      `SELECT * FROM identity.api_client WHERE agency_id = $1 ORDER BY created_at DESC, client_id`,
      [agencyId],
    );
    return rows.map(toClient);
  }

  /** Registers a client for an agency; the secret is returned once and stored only as a hash. */
  async register(
    input: { agencyId: string; name: string; employerIds: string[] },
    actor: Actor,
    at: Date,
  ): Promise<{ client: ApiClient; secret: string }> {
    const secret = newClientSecret();
    const clientId = `agency-${randomBytes(9).toString('base64url')}`;
    const hash = await hashSecret(secret);
    const client = await this.ds.transaction(async (m) => {
      const rows: ApiClientRow[] = await m.query(
        `INSERT INTO identity.api_client (client_id, agency_id, name, employer_ids, secret_hash, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [clientId, input.agencyId, input.name, input.employerIds, hash, at, actor.id],
      );
      await audit(m, clientId, 'REGISTERED', actor, at);
      return toClient(rows[0]!);
    });
    return { client, secret };
  }

  /** A new secret for a client that is not revoked; the old one stops working at once. */
  async rotate(clientId: string, actor: Actor, at: Date): Promise<{ client: ApiClient; secret: string } | undefined> {
    const secret = newClientSecret();
    const hash = await hashSecret(secret);
    return this.ds.transaction(async (m) => {
      const rows = returned<ApiClientRow>(
        await m.query(
          `UPDATE identity.api_client SET secret_hash = $2, secret_version = secret_version + 1
         WHERE client_id = $1 AND revoked_at IS NULL RETURNING *`,
          [clientId, hash],
        ),
      );
      if (!rows[0]) return undefined;
      await audit(m, clientId, 'SECRET_ROTATED', actor, at);
      return { client: toClient(rows[0]), secret };
    });
  }

  /** Revokes a client: its next token request fails; tokens it holds die within their (short) lifetime. Idempotent. */
  async revoke(clientId: string, actor: Actor, at: Date): Promise<ApiClient | undefined> {
    return this.ds.transaction(async (m) => {
      const rows = returned<ApiClientRow>(
        await m.query(
          `UPDATE identity.api_client SET revoked_at = $2, revoked_by = $3
         WHERE client_id = $1 AND revoked_at IS NULL RETURNING *`,
          [clientId, at, actor.id],
        ),
      );
      if (rows[0]) {
        await audit(m, clientId, 'REVOKED', actor, at);
        return toClient(rows[0]);
      }
      const existing: ApiClientRow[] = await m.query(`SELECT * FROM identity.api_client WHERE client_id = $1`, [
        clientId,
      ]);
      return existing[0] ? toClient(existing[0]) : undefined;
    });
  }

  /** Who did what to a client, oldest first. */
  async auditTrail(clientId: string): Promise<{ action: string; actorId: string; actorName: string; at: Date }[]> {
    const rows: { action: string; actor_id: string; actor_name: string; at: Date }[] = await this.ds.query(
      `SELECT action, actor_id, actor_name, at FROM identity.api_client_audit WHERE client_id = $1 ORDER BY id`,
      [clientId],
    );
    return rows.map((r) => ({ action: r.action, actorId: r.actor_id, actorName: r.actor_name, at: r.at }));
  }
}

/** The rows of an UPDATE … RETURNING (TypeORM answers `[rows, count]` for UPDATE and DELETE). */
export function returned<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** Who changed a client (the MANAGER the API verified), kept with the change. */
export interface Actor {
  id: string;
  name: string;
}

async function audit(m: EntityManager, clientId: string, action: string, actor: Actor, at: Date): Promise<void> {
  await m.query(
    `INSERT INTO identity.api_client_audit (client_id, action, actor_id, actor_name, at) VALUES ($1, $2, $3, $4, $5)`,
    [clientId, action, actor.id, actor.name, at],
  );
}
