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

/** Writes the thresholds (the row is locked by `readThresholds(tx, true)`). */
export async function writeThresholds(tx: EntityManager, next: SlaThresholds, now: Date, by: string): Promise<void> {
  await tx.query(
    `UPDATE cs.sla_thresholds SET counter_wait_minutes = $1, passport_custody_working_days = $2,
       warning_percents = $3, updated_at = $4, updated_by = $5 WHERE id = 1`,
    [next.counterWaitMinutes, next.passportCustodyWorkingDays, next.warningPercents, now, by],
  );
}
