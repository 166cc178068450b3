import { DEMO_AGENCIES } from '@onestop/common';
import type { DataSource } from 'typeorm';
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

/** The demo agencies' clients: `<client id>` with the secret `<client id>-demo-secret` (development only). */
export const DEMO_API_CLIENTS = DEMO_AGENCIES.map((a, i) => ({
  clientId: `demo-agency-${i + 1}`,
  agencyId: a.id,
  name: a.name,
  employerIds: [...a.employerIds],
  secret: `demo-agency-${i + 1}-demo-secret`,
}));

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

  /** Seeds the demo agencies' clients that are missing (outside production). */
  async seedDemo(at: Date): Promise<void> {
    for (const c of DEMO_API_CLIENTS) {
      await this.ds.query(
        `INSERT INTO identity.api_client (client_id, agency_id, name, employer_ids, secret_hash, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, 'seed') ON CONFLICT (client_id) DO NOTHING`,
        [c.clientId, c.agencyId, c.name, c.employerIds, await hashSecret(c.secret), at],
      );
    }
  }

  /** A new secret for tests and tools that need one issued directly (the API does this through its mutations). */
  static newSecret(): string {
    return newClientSecret();
  }
}
