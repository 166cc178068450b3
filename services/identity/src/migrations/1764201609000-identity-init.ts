import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The identity provider's own schema: staff accounts, partner agencies' API clients (secrets
 * stored as scrypt hashes only) with their audit trail, the signing keys, and oidc-provider's
 * storage (sessions, grants, codes, refresh tokens, interactions) as one keyed JSON table.
 */
export class IdentityInit1764201609000 implements MigrationInterface {
  name = 'IdentityInit1764201609000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity.account (
        id text PRIMARY KEY,
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('WP_OFFICER', 'EE_OFFICER', 'CLERK', 'MANAGER', 'AGENCY')),
        name text NOT NULL,
        counter_id text,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (role <> 'CLERK' OR counter_id IS NOT NULL)
      )`);
    await q.query(`
      CREATE TABLE identity.api_client (
        client_id text PRIMARY KEY,
        agency_id uuid NOT NULL,
        name text NOT NULL,
        employer_ids uuid[] NOT NULL,
        secret_hash text NOT NULL,
        secret_version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        revoked_at timestamptz,
        revoked_by text
      )`);
    await q.query(`CREATE INDEX "IDX_api_client_agency" ON identity.api_client (agency_id)`);
    await q.query(`
      CREATE TABLE identity.api_client_audit (
        id bigserial PRIMARY KEY,
        client_id text NOT NULL REFERENCES identity.api_client (client_id),
        action text NOT NULL CHECK (action IN ('REGISTERED', 'SECRET_ROTATED', 'REVOKED')),
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX "IDX_api_client_audit_client" ON identity.api_client_audit (client_id, id)`);
    await q.query(`
      CREATE TABLE identity.signing_key (
        kid text PRIMARY KEY,
        private_jwk jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('ACTIVE', 'PREVIOUS', 'RETIRED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_signing_key_active" ON identity.signing_key (state) WHERE state = 'ACTIVE'`);
    await q.query(`
      CREATE TABLE identity.setting (
        key text PRIMARY KEY,
        value jsonb NOT NULL
      )`);
    await q.query(`
      CREATE TABLE identity.oidc_payload (
        model text NOT NULL,
        id text NOT NULL,
        payload jsonb NOT NULL,
        grant_id text,
        uid text,
        user_code text,
        expires_at timestamptz,
        consumed_at timestamptz,
        PRIMARY KEY (model, id)
      )`);
    await q.query(
      `CREATE INDEX "IDX_oidc_payload_grant" ON identity.oidc_payload (grant_id) WHERE grant_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "IDX_oidc_payload_uid" ON identity.oidc_payload (uid) WHERE uid IS NOT NULL`);
    await q.query(`CREATE INDEX "IDX_oidc_payload_expires" ON identity.oidc_payload (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['oidc_payload', 'setting', 'signing_key', 'api_client_audit', 'api_client', 'account']) {
      await q.query(`DROP TABLE identity.${t}`);
    }
  }
}
