import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform schema: infrastructure every subgraph shares and no subgraph owns: the event
 * log (transactional outbox), consumer positions, the official working-day calendar and the
 * development clock. See docs/decisions/0002-platform-schema.md.
 */
export class PlatformInit1764201600000 implements MigrationInterface {
  name = 'PlatformInit1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS platform`);
    await q.query(`
      CREATE TABLE platform.event_log (
        id           bigserial PRIMARY KEY,
        type         text        NOT NULL,
        source       text        NOT NULL,
        aggregate_id text        NOT NULL,
        employer_id  text,
        counter_id   text,
        payload      jsonb       NOT NULL DEFAULT '{}'::jsonb,
        actor_id     text,
        occurred_at  timestamptz NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX event_log_aggregate_idx ON platform.event_log (aggregate_id, id)`);
    await q.query(`CREATE INDEX event_log_type_idx ON platform.event_log (type, id)`);
    // One NOTIFY per inserting statement carrying the highest new id: consumers read by id.
    await q.query(`
      CREATE FUNCTION platform.event_log_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('onestop_events', (SELECT max(id) FROM new_rows)::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER event_log_notify AFTER INSERT ON platform.event_log
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION platform.event_log_notify()`);
    await q.query(`
      CREATE TABLE platform.consumer_offset (
        consumer   text PRIMARY KEY,
        position   bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE platform.calendar_year (
        year      integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
        loaded_at timestamptz NOT NULL,
        loaded_by text NOT NULL,
        notice    jsonb NOT NULL
      )`);
    await q.query(`
      CREATE TABLE platform.calendar_entry (
        date       date PRIMARY KEY,
        kind       text NOT NULL CHECK (kind IN ('HOLIDAY', 'ADJUSTED_WORKDAY', 'CLOSURE')),
        name       text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE platform.dev_clock (
        id         integer PRIMARY KEY CHECK (id = 1),
        offset_ms  bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA platform CASCADE`);
  }
}

/**
 * Events a durable consumer could not decode against the event catalogue: parked here, in
 * the consumer's transaction, instead of handled (docs/decisions/0021-typed-event-catalogue.md).
 * The log itself is never rewritten; a row names the event to replay once fixed.
 */
export class PlatformParkedEvents1796640000001 implements MigrationInterface {
  name = 'PlatformParkedEvents1796640000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.parked_event (
        consumer  text        NOT NULL,
        event_id  bigint      NOT NULL,
        type      text        NOT NULL,
        problems  text        NOT NULL,
        parked_at timestamptz NOT NULL,
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE platform.parked_event`);
  }
}

/**
 * The idempotency ledger of every subgraph's keyed mutations (issue 17, decision 0022): one row
 * per (subgraph, principal, key) with the operation, the canonical request and the id of what
 * it answered. The subgraphs' own migrations copy the keys they kept before into it.
 */
export class PlatformIdempotencyLedger1796700000001 implements MigrationInterface {
  name = 'PlatformIdempotencyLedger1796700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.idempotency_record (
        subgraph        text        NOT NULL,
        principal       text        NOT NULL,
        idempotency_key text        NOT NULL,
        operation       text        NOT NULL,
        request         jsonb       NOT NULL,
        result_id       text,
        created_at      timestamptz NOT NULL,
        PRIMARY KEY (subgraph, principal, idempotency_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE platform.idempotency_record`);
  }
}

/** Every platform migration, in order. */
export const platformMigrations = [
  PlatformInit1764201600000,
  PlatformParkedEvents1796640000001,
  PlatformIdempotencyLedger1796700000001,
];
