import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each counter gets a location (WGS 84 latitude and longitude), so the counter page can
 * suggest the nearest counters with a shorter expected wait to walk-ins. Nullable: a counter a
 * manager adds has none until one is given, and is then simply never suggested. The seed fills
 * the 15 seeded counters' locations where they are missing.
 */
export class CsCounterLocations1796600000001 implements MigrationInterface {
  name = 'CsCounterLocations1796600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE cs.service_counter
         ADD COLUMN latitude double precision CHECK (latitude BETWEEN -90 AND 90),
         ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cs.service_counter DROP COLUMN latitude, DROP COLUMN longitude`);
  }
}
