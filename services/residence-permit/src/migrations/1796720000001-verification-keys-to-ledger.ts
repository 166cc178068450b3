import type { MigrationInterface, QueryRunner } from 'typeorm';
import { importKeptKeys } from '@onestop/common';

/** Rows copied per statement. */
const BATCH = 1000;

/**
 * `scheduleVerification` replays through the one idempotency ledger (decision 0022) instead of
 * `rp.verification.idempotency_key`. This copies every key kept before into
 * `platform.idempotency_record`, so a retry of a request made before the upgrade still gets its
 * verification, and the key with another request is still a CONFLICT: principal = the officer
 * who scheduled (`scheduled_by`), operation `scheduleVerification`, the request as the new code
 * states it (`canonicalRequest` of { caseId, kind, scheduledAt, location }), result = the
 * verification. The old column and its unique index stay (the new code still fills them).
 * Runs after the platform migrations, which create the ledger.
 */
export class RpVerificationKeysToLedger1796720000001 implements MigrationInterface {
  name = 'RpVerificationKeysToLedger1796720000001';

  async up(q: QueryRunner): Promise<void> {
    for (let after = ''; ;) {
      const rows: {
        id: string;
        case_id: string;
        kind: string;
        scheduled_at: Date;
        location: string | null;
        scheduled_by: string;
        idempotency_key: string;
        created_at: Date;
      }[] = await q.query(
        `SELECT id::text, case_id::text, kind, scheduled_at, location, scheduled_by, idempotency_key, created_at
           FROM rp.verification WHERE idempotency_key IS NOT NULL AND id::text > $1 ORDER BY id::text LIMIT ${BATCH}`,
        [after],
      );
      if (!rows.length) return;
      await importKeptKeys(
        q,
        'residence-permit',
        rows.map((r) => ({
          principal: r.scheduled_by,
          key: r.idempotency_key,
          operation: 'scheduleVerification',
          request: { caseId: r.case_id, kind: r.kind, scheduledAt: r.scheduled_at, location: r.location },
          resultId: r.id,
          createdAt: r.created_at,
        })),
      );
      after = rows[rows.length - 1]!.id;
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM platform.idempotency_record r USING rp.verification v
        WHERE r.subgraph = 'residence-permit' AND r.operation = 'scheduleVerification'
          AND r.principal = v.scheduled_by AND r.idempotency_key = v.idempotency_key`,
    );
  }
}
