import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CsInit1764201600003 implements MigrationInterface {
  name = 'CsInit1764201600003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cs.service_counter (
        id text PRIMARY KEY,
        name text NOT NULL,
        district text NOT NULL,
        address text NOT NULL,
        windows integer NOT NULL CHECK (windows > 0),
        opening_hours jsonb NOT NULL,
        slot_minutes integer NOT NULL CHECK (slot_minutes > 0),
        capacity_per_slot integer NOT NULL CHECK (capacity_per_slot >= 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cs.service_counter`);
  }
}
