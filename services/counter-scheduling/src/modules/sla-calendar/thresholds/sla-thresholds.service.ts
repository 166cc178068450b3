import type { DataSource } from 'typeorm';
import { BadUserInputError, NotFoundError, type Actor, type CommandPipeline, type CommandSpec } from '@onestop/common';
import { EVENT_TYPES, type SlaThresholds } from '@onestop/common/contract';
import { readThresholds, writeThresholds, type SlaThresholdsRecord } from './sla-thresholds.store.js';
import { thresholdProblems } from './sla-thresholds.rules.js';

/** The one thresholds row, locked (`FOR UPDATE`: concurrent partial updates take turns, none is lost). */
const updateSlaThresholds: CommandSpec<Partial<SlaThresholds>, SlaThresholdsRecord, SlaThresholdsRecord> = {
  name: 'updateSlaThresholds',
  action: 'sla.configure',
  load: (tx) => readThresholds(tx, true),
  resource: () => ({}),
  // The migration seeds the row and nothing deletes it.
  notFound: () => new NotFoundError('SLA thresholds', '1'),
  subject: () => ({ aggregateId: 'sla-thresholds', employerId: null, counterId: null }),
  rules: (current, change) => {
    const problems = thresholdProblems(merged(current, change));
    if (problems.length) throw new BadUserInputError('The SLA thresholds are invalid', problems);
  },
  execute: async (cx, current, change) => {
    const next = merged(current, change);
    await writeThresholds(cx.tx, next, cx.now, cx.actor!.id);
    cx.emit(EVENT_TYPES.slaThresholdsChanged, {
      previous: {
        counterWaitMinutes: current.counterWaitMinutes,
        passportCustodyWorkingDays: current.passportCustodyWorkingDays,
        warningPercents: current.warningPercents,
      },
      current: next,
    });
    return { ...next, updatedAt: cx.now, updatedBy: cx.actor!.id };
  },
};

/** The thresholds after a partial change: the given ones replace, the others stay. */
function merged(current: SlaThresholds, change: Partial<SlaThresholds>): SlaThresholds {
  return {
    counterWaitMinutes: change.counterWaitMinutes ?? current.counterWaitMinutes,
    passportCustodyWorkingDays: change.passportCustodyWorkingDays ?? current.passportCustodyWorkingDays,
    warningPercents: change.warningPercents ?? current.warningPercents,
  };
}

/**
 * The thresholds a MANAGER configures (DOMAIN.md's (cfg) rows). A change applies to clocks
 * started afterwards: a running clock keeps the warnings and allowed time it started with, so
 * a warning already promised is neither lost nor emitted twice.
 */
export class SlaThresholdsService {
  constructor(
    private readonly ds: DataSource,
    private readonly commands: CommandPipeline,
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
    return this.commands.run(actor, updateSlaThresholds, change);
  }
}
