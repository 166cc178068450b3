import type { EntityManager } from 'typeorm';
import type { SlaThresholds } from '@onestop/common/contract';

/** The configured thresholds and who changed them last. */
export interface SlaThresholdsRecord extends SlaThresholds {
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** Reads the thresholds in the caller's transaction (`forUpdate` when about to change them). */
export async function readThresholds(tx: EntityManager, forUpdate = false): Promise<SlaThresholdsRecord> {
  const rows: SlaThresholdsRecord[] = await tx.query(
    `SELECT counter_wait_minutes AS "counterWaitMinutes", passport_custody_working_days AS "passportCustodyWorkingDays",
            warning_percents AS "warningPercents", updated_at AS "updatedAt", updated_by AS "updatedBy"
     FROM cs.sla_thresholds WHERE id = 1 ${forUpdate ? 'FOR UPDATE' : ''}`,
  );
  // The migration seeds the row; it is never deleted.
  return rows[0]!;
}
