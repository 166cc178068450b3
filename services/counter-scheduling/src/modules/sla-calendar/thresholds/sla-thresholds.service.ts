import type { DataSource } from 'typeorm';
import { BadUserInputError, type Actor, type Clock, type EventStore } from '@onestop/common';
import { EVENT_TYPES, type SlaThresholds, type SlaThresholdsChangedPayload } from '@onestop/common/contract';
import { readThresholds, type SlaThresholdsRecord } from './sla-thresholds.store.js';
import { thresholdProblems } from './sla-thresholds.rules.js';

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
