import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The online materials (issue 18): each filed attachment of a case, its immutable versions
 * (a correction adds one; the history stays), and the single-use upload requests behind them.
 * The bytes live in the object store; these rows hold what was declared, what was received,
 * the pre-examination verdict of each version, and when retention deleted the bytes.
 */
export class WpAttachments1796587892788 implements MigrationInterface {
  name = 'WpAttachments1796587892788';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wp.attachment (
        id         uuid PRIMARY KEY,
        case_id    uuid NOT NULL CONSTRAINT "FK_attachment_case" REFERENCES wp."case" (id),
        name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind       text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    // One row per (case, name ignoring case): the id is derived from exactly that (attachment-ids.ts).

    await q.query(`
      CREATE TABLE wp.attachment_version (
        id               uuid PRIMARY KEY,
        attachment_id    uuid NOT NULL CONSTRAINT "FK_attachment_version_attachment" REFERENCES wp.attachment (id),
        case_id          uuid NOT NULL,
        version          integer NOT NULL CHECK (version >= 1),
        file_name        text NOT NULL,
        content_type     text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
        size_bytes       bigint NOT NULL CHECK (size_bytes > 0),
        sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key      text NOT NULL,
        uploaded_by      text NOT NULL,
        uploaded_by_name text NOT NULL,
        uploaded_at      timestamptz NOT NULL,
        verdict          text NOT NULL DEFAULT 'PENDING' CHECK (verdict IN ('PENDING', 'FINE', 'NEEDS_CORRECTION')),
        verdict_reason   text,
        reviewed_by      text,
        reviewed_by_name text,
        reviewed_at      timestamptz,
        deleted_at       timestamptz,
        CONSTRAINT "UQ_attachment_version" UNIQUE (attachment_id, version)
      )`);
    await q.query(
      `CREATE INDEX "IDX_attachment_version_case" ON wp.attachment_version (case_id, attachment_id, version)`,
    );

    await q.query(`
      CREATE TABLE wp.attachment_upload (
        id                uuid PRIMARY KEY,
        case_id           uuid NOT NULL CONSTRAINT "FK_attachment_upload_case" REFERENCES wp."case" (id),
        attachment_name   text NOT NULL,
        kind              text NOT NULL,
        file_name         text NOT NULL,
        content_type      text NOT NULL,
        size_bytes        bigint NOT NULL,
        sha256            text NOT NULL,
        requested_by      text NOT NULL,
        requested_by_name text NOT NULL,
        requested_at      timestamptz NOT NULL,
        expires_at        timestamptz NOT NULL,
        state             text NOT NULL CHECK (state IN ('REQUESTED', 'RECEIVING', 'RECEIVED', 'REFUSED', 'CONFIRMED', 'DISCARDED')),
        refusal           text,
        refusal_message   text,
        received_at       timestamptz,
        storage_key       text,
        version_id        uuid
      )`);
    await q.query(`CREATE INDEX "IDX_attachment_upload_case" ON wp.attachment_upload (case_id, requested_at)`);
    // The retention sweep finds received bytes nobody confirmed.
    await q.query(
      `CREATE INDEX "IDX_attachment_upload_unconfirmed" ON wp.attachment_upload (expires_at) WHERE state = 'RECEIVED'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE wp.attachment_upload`);
    await q.query(`DROP TABLE wp.attachment_version`);
    await q.query(`DROP TABLE wp.attachment`);
  }
}
