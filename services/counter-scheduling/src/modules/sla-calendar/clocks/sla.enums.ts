import { registerEnumType } from 'type-graphql';
import { SLA_CLOCK_STATES, type SlaClockState } from './sla-clock.rules.js';

export { SlaKindEnum } from '../../../shared/graphql-types.js';

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
