import { registerEnumType } from 'type-graphql';
import { SLA_KINDS, type SlaKind } from '@onestop/common/contract';
import { SLA_CLOCK_STATES, type SlaClockState } from './sla-clock.rules.js';

/** GraphQL enum `SlaKind`, from the domain's SLA_KINDS. */
export const SlaKindEnum = Object.fromEntries(SLA_KINDS.map((k) => [k, k])) as { [K in SlaKind]: K };
registerEnumType(SlaKindEnum, {
  name: 'SlaKind',
  description: 'The SLA clocks (DOMAIN.md: time rules).',
  valuesConfig: {
    PRE_EXAMINATION: {
      description: 'Online (re)submission to the pre-examination decision: 1 working day for A, 3 for B/C.',
    },
    ISSUANCE: { description: 'Documents accepted at the counter to both permits decided: 5 working days.' },
    COUNTER_WAIT: { description: 'Queue ticket issued to ticket called: 30 minutes of wall time (configurable).' },
    PASSPORT_CUSTODY: {
      description: 'Passport held at acceptance to the claim: alert when held over 10 working days (configurable).',
    },
  },
});

/** GraphQL enum `SlaClockState`. */
export const SlaClockStateEnum = Object.fromEntries(SLA_CLOCK_STATES.map((s) => [s, s])) as {
  [S in SlaClockState]: S;
};
registerEnumType(SlaClockStateEnum, {
  name: 'SlaClockState',
  valuesConfig: {
    RUNNING: { description: 'Counting; not breached.' },
    STOPPED: { description: 'Stopped without a breach by a return for correction; a resubmission starts a new clock.' },
    MET: { description: 'Stopped in time.' },
    BREACHED: {
      description:
        'The due time passed while it ran. Still counting until stoppedAt is set; then the breach is resolved.',
    },
    CANCELLED: { description: 'The case was withdrawn.' },
  },
});
