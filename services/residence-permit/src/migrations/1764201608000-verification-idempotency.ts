import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `scheduleVerification` takes an idempotency key: an officer's client that retries after a
 * timeout gets the verification it already scheduled instead of a second one. The key is
 * unique per officer; rows scheduled before keys existed keep NULL (NULLs never collide).
 */
export class RpVerificationIdempotency1764201608000 implements MigrationInterface {
  name = 'RpVerificationIdempotency1764201608000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rp.verification ADD COLUMN idempotency_key text`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_verification_idempotency" ON rp.verification (scheduled_by, idempotency_key)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX rp."UQ_verification_idempotency"`);
    await q.query(`ALTER TABLE rp.verification DROP COLUMN idempotency_key`);
  }
}
