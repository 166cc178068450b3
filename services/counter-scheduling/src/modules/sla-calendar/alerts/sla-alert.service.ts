import { BadUserInputError, employerScope, type Actor, type EventStore, type EventSubscription } from '@onestop/common';
import { EVENT_TYPES, decodeEvent, type DomainEvent, type SlaKind } from '@onestop/common/contract';
import { BREACH_THRESHOLD } from '../clocks/sla-clock.rules.js';
import { categoryProblems, sinceProblems } from '../clocks/sla-filters.js';
import type { SlaAlert } from './sla-alert.type.js';

export interface SlaAlertFilter {
  kind?: SlaKind | null;
  counterId?: string | null;
  category?: string | null;
  breachesOnly?: boolean | null;
}

/** The live feed of SLA warnings and breaches, scoped to what the actor may see. */
export class SlaAlertService {
  constructor(private readonly events: EventStore) {}

  /**
   * Warnings and breaches as they are appended (replayed from `since` first, when given),
   * filtered to the actor's scope: an agency only hears of its employers' cases.
   * @throws BadUserInputError for a bad category or `since`.
   */
  alerts(actor: Actor, filter: SlaAlertFilter, since?: string | null): EventSubscription {
    const problems = categoryProblems(filter.category);
    problems.push(...sinceProblems(since));
    if (problems.length) throw new BadUserInputError('Cannot subscribe to SLA alerts', problems);
    const scope = employerScope(actor);
    return this.events.subscribe({
      since: since ?? undefined,
      types: filter.breachesOnly ? [EVENT_TYPES.slaBreached] : [EVENT_TYPES.slaWarning, EVENT_TYPES.slaBreached],
      filter: (e) => {
        if (scope && (e.employerId === null || !scope.includes(e.employerId))) return false;
        // An alert that does not decode ends the subscription with EventDecodeError (never skipped).
        const p = decodeEvent(e, ALERT_TYPES).payload;
        return (
          (!filter.kind || p.kind === filter.kind) &&
          (!filter.counterId || p.counterId === filter.counterId) &&
          (!filter.category || p.category === filter.category)
        );
      },
    });
  }
}

/** The events an SLA alert subscription pushes. */
const ALERT_TYPES = [EVENT_TYPES.slaWarning, EVENT_TYPES.slaBreached];

/** An `sla.warning` / `sla.breached` event as the subscription pushes it. */
export function toSlaAlert(event: DomainEvent): SlaAlert {
  const p = decodeEvent(event, ALERT_TYPES).payload;
  return {
    eventId: event.id,
    clockId: p.clockId,
    kind: p.kind,
    threshold: p.threshold,
    breach: p.threshold >= BREACH_THRESHOLD,
    case: { id: p.caseId },
    counterId: p.counterId,
    category: p.category,
    dueAt: p.dueAt,
    at: p.at,
  };
}
