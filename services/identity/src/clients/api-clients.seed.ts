import { DEMO_AGENCIES } from '@onestop/common/testing';
import type { DataSource } from 'typeorm';
import { hashSecret } from '../accounts/secrets.js';

/** The demo agencies' clients: `<client id>` with the secret `<client id>-demo-secret` (development only). */
export const DEMO_API_CLIENTS = DEMO_AGENCIES.map((a, i) => ({
  clientId: `demo-agency-${i + 1}`,
  agencyId: a.id,
  name: a.name,
  employerIds: [...a.employerIds],
  secret: `demo-agency-${i + 1}-demo-secret`,
}));

/** Seeds the demo agencies' clients that are missing (outside production; loaded only there). */
export async function seedDemoApiClients(ds: DataSource, at: Date): Promise<void> {
  const existing: { client_id: string }[] = await ds.query(
    `SELECT client_id FROM identity.api_client WHERE client_id = ANY($1)`,
    [DEMO_API_CLIENTS.map((c) => c.clientId)],
  );
  const seeded = new Set(existing.map((r) => r.client_id));
  // Hashing costs ~50 ms a secret: only for the clients that are missing (every test stack starts here).
  for (const c of DEMO_API_CLIENTS.filter((d) => !seeded.has(d.clientId))) {
    await ds.query(
      `INSERT INTO identity.api_client (client_id, agency_id, name, employer_ids, secret_hash, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, 'seed') ON CONFLICT (client_id) DO NOTHING`,
      [c.clientId, c.agencyId, c.name, c.employerIds, await hashSecret(c.secret), at],
    );
  }
}
