import type { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, type Actor, type Clock, type EventStore } from '@onestop/common';
import { EVENT_TYPES, type SlaThresholds, type SlaThresholdsChangedPayload } from '@onestop/common/contract';
import { thresholdProblems } from './sla-clock.rules.js';

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

/**
 * The thresholds a MANAGER configures (DOMAIN.md's (cfg) rows). A change applies to clocks
 * started afterwards: a running clock keeps the warnings and allowed time it started with, so
 * a warning already promised is neither lost nor emitted twice.
 */
export class SlaThresholdsService {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  get(): Promise<SlaThresholdsRecord> {
    return readThresholds(this.ds.manager);
  }

  /**
   * Changes the given thresholds (the others stay) and appends `sla.thresholds-changed`.
   * @throws BadUserInputError listing every problem; nothing is written then.
   */
  async update(actor: Actor, change: Partial<SlaThresholds>): Promise<SlaThresholdsRecord> {
    const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined && v !== null));
    if (!Object.keys(given).length) {
      throw new BadUserInputError('Nothing to change', [
        'give at least one of counterWaitMinutes, passportCustodyWorkingDays, warningPercents',
      ]);
    }
    return this.ds.transaction(async (tx) => {
      // The row lock serialises concurrent partial updates: none is lost.
      const current = await readThresholds(tx, true);
      const next: SlaThresholds = {
        counterWaitMinutes: current.counterWaitMinutes,
        passportCustodyWorkingDays: current.passportCustodyWorkingDays,
        warningPercents: current.warningPercents,
        ...given,
      };
      const problems = thresholdProblems(next);
      if (problems.length) throw new BadUserInputError('The SLA thresholds are invalid', problems);
      const now = this.clock.now();
      await tx.query(
        `UPDATE cs.sla_thresholds SET counter_wait_minutes = $1, passport_custody_working_days = $2,
           warning_percents = $3, updated_at = $4, updated_by = $5 WHERE id = 1`,
        [next.counterWaitMinutes, next.passportCustodyWorkingDays, next.warningPercents, now, actor.id],
      );
      const payload: SlaThresholdsChangedPayload = {
        previous: {
          counterWaitMinutes: current.counterWaitMinutes,
          passportCustodyWorkingDays: current.passportCustodyWorkingDays,
          warningPercents: current.warningPercents,
        },
        current: next,
      };
      await this.events.append(tx, [
        {
          type: EVENT_TYPES.slaThresholdsChanged,
          aggregateId: 'sla-thresholds',
          employerId: null,
          counterId: null,
          actorId: actor.id,
          occurredAt: now,
          payload,
        },
      ]);
      return { ...next, updatedAt: now, updatedBy: actor.id };
    });
  }
}
