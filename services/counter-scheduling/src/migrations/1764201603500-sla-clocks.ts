import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SLA clocks (docs/decisions/0005, docs/sla-and-calendar.md): the clocks with their next firing
 * instant, one row per breach, the configurable thresholds and the case facts the clocks need.
 */
export class CsSlaClocks1764201603500 implements MigrationInterface {
  name = 'CsSlaClocks1764201603500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cs.sla_clock (
        id uuid PRIMARY KEY,
        case_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('PRE_EXAMINATION', 'ISSUANCE', 'COUNTER_WAIT', 'PASSPORT_CUSTODY')),
        basis text NOT NULL CHECK (basis IN ('WORKING_DAYS', 'WALL_MINUTES')),
        target_working_days integer CHECK (target_working_days > 0),
        target_minutes integer CHECK (target_minutes > 0),
        employer_id text,
        category text,
        counter_id text,
        ticket_id text,
        started_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        provisional boolean NOT NULL,
        thresholds integer[] NOT NULL,
        fire_ats timestamptz[] NOT NULL,
        state text NOT NULL CHECK (state IN ('RUNNING', 'STOPPED', 'MET', 'BREACHED', 'CANCELLED')),
        last_threshold integer,
        next_threshold integer,
        next_fire_at timestamptz,
        stopped_at timestamptz,
        start_event_id bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK (state <> 'RUNNING' OR next_fire_at IS NOT NULL)
      )`);
    // The sweep's index: only running clocks, ordered by when they next fire.
    await q.query(`CREATE INDEX "IDX_sla_clock_next_fire_at" ON cs.sla_clock (next_fire_at) WHERE state = 'RUNNING'`);
    await q.query(`CREATE INDEX "IDX_sla_clock_case_kind" ON cs.sla_clock (case_id, kind)`);
    await q.query(`CREATE INDEX "IDX_sla_clock_ticket_id" ON cs.sla_clock (ticket_id) WHERE ticket_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "UQ_sla_clock_start" ON cs.sla_clock (start_event_id, kind)`);

    await q.query(`
      CREATE TABLE cs.sla_breach (
        id uuid PRIMARY KEY,
        clock_id uuid NOT NULL,
        case_id text NOT NULL,
        employer_id text,
        kind text NOT NULL,
        category text,
        counter_id text,
        due_at timestamptz NOT NULL,
        breached_at timestamptz NOT NULL,
        resolved_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_sla_breach_clock_id" ON cs.sla_breach (clock_id)`);
    await q.query(`CREATE INDEX "IDX_sla_breach_breached_at" ON cs.sla_breach (breached_at, id)`);
    await q.query(`CREATE INDEX "IDX_sla_breach_open" ON cs.sla_breach (breached_at, id) WHERE resolved_at IS NULL`);

    await q.query(`
      CREATE TABLE cs.sla_thresholds (
        id integer PRIMARY KEY CHECK (id = 1),
        counter_wait_minutes integer NOT NULL CHECK (counter_wait_minutes > 0),
        passport_custody_working_days integer NOT NULL CHECK (passport_custody_working_days > 0),
        warning_percents integer[] NOT NULL,
        updated_at timestamptz,
        updated_by text
      )`);
    // DEFAULT_SLA_THRESHOLDS (DOMAIN.md: the (cfg) rows).
    await q.query(
      `INSERT INTO cs.sla_thresholds (id, counter_wait_minutes, passport_custody_working_days, warning_percents) VALUES (1, 30, 10, '{50,75}')`,
    );

    await q.query(`
      CREATE TABLE cs.sla_case (
        case_id text PRIMARY KEY,
        employer_id text,
        category text,
        work_permit_decided boolean NOT NULL DEFAULT false,
        residence_permit_decided boolean NOT NULL DEFAULT false
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cs.sla_case`);
    await q.query(`DROP TABLE cs.sla_thresholds`);
    await q.query(`DROP TABLE cs.sla_breach`);
    await q.query(`DROP TABLE cs.sla_clock`);
  }
}
