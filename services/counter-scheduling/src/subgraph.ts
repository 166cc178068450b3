import { buildFederatedSchema, type SubgraphDefinition } from '@onestop/common';
import { createContext, servicesOf, type CounterSchedulingContext } from './context.js';
import { CsInit1764201600003 } from './migrations/1764201600003-init.js';
import { CsCounterOperations1764201603000 } from './migrations/1764201603000-counter-operations.js';
import { CsSlaClocks1764201603500 } from './migrations/1764201603500-sla-clocks.js';
import { CsThroughputAndUnserved1764201604000 } from './migrations/1764201604000-throughput-and-unserved.js';
import { CsTicketClosing1764201606000 } from './migrations/1764201606000-ticket-closing.js';
import { CsCounterChineseNames1764201607000 } from './migrations/1764201607000-counter-chinese-names.js';
import { CsTicketWithdrawn1764201608000 } from './migrations/1764201608000-ticket-withdrawn.js';
import { CsClerkWorkstation1764201612000 } from './migrations/1764201612000-clerk-workstation.js';
import { CsCounterLocations1796600000001 } from './migrations/1796600000001-counter-locations.js';
import { CsSlaFollowUp1796610000001 } from './migrations/1796610000001-sla-follow-up.js';
import { CsIdempotencyLedger1796730000001 } from './migrations/1796730000001-idempotency-ledger.js';
import {
  COUNTER_OPERATIONS_ENTITIES,
  COUNTER_OPERATIONS_RESOLVERS,
  resolveCaseReference,
  resolveServiceCounterReference,
  seedCounters,
  startCaseReadinessConsumer,
  startCounterSweeper,
  startPermitIssueConsumer,
} from './modules/counter-operations/index.js';
import { SLA_CALENDAR_ENTITIES, SLA_CALENDAR_RESOLVERS } from './modules/sla-calendar/index.js';
import { CaseRef } from './shared/graphql-types.js';

/** The counter-scheduling subgraph: two modules, counter operations and SLA/calendar. */
export const counterSchedulingSubgraph: SubgraphDefinition<CounterSchedulingContext> = {
  name: 'counter-scheduling',
  dbSchema: 'cs',
  defaultPort: 4003,
  entities: [...COUNTER_OPERATIONS_ENTITIES, ...SLA_CALENDAR_ENTITIES],
  migrations: [
    CsInit1764201600003,
    CsCounterOperations1764201603000,
    CsSlaClocks1764201603500,
    CsThroughputAndUnserved1764201604000,
    CsTicketClosing1764201606000,
    CsCounterChineseNames1764201607000,
    CsTicketWithdrawn1764201608000,
    CsClerkWorkstation1764201612000,
    CsCounterLocations1796600000001,
    CsSlaFollowUp1796610000001,
    CsIdempotencyLedger1796730000001,
  ],
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [...COUNTER_OPERATIONS_RESOLVERS, ...SLA_CALENDAR_RESOLVERS],
        orphanedTypes: [CaseRef],
      },
      {
        Case: {
          __resolveReference: (ref: { id: string }, ctx: CounterSchedulingContext) => resolveCaseReference(ref, ctx),
        },
        ServiceCounter: {
          __resolveReference: (ref: { id: string }, ctx: CounterSchedulingContext) =>
            resolveServiceCounterReference(ref, ctx),
        },
      },
    ),
  createContext,
  /**
   * Background work: the counters seeded; the SLA/calendar module's clock consumer and
   * sweeper; counter operations' case-readiness projection (with the withdrawal's effects), the
   * permits issued (for throughput), and the time-driven sweep (no-shows; each counter's day
   * closed at closing time).
   */
  async start(runtime) {
    const { ops, slaCalendar } = servicesOf(runtime);
    await seedCounters(runtime.ds);
    // SLA/calendar module: its clock consumer and sweeper.
    const stopSla = await slaCalendar.start();
    // Counter operations.
    const readiness = startCaseReadinessConsumer(runtime.events, ops.withdrawal);
    await readiness.start();
    const permits = startPermitIssueConsumer(runtime.events);
    await permits.start();
    const stopSweeper = await startCounterSweeper(runtime, [
      { name: 'no-shows', limit: 100, run: (limit) => ops.appointments.sweepNoShows(limit) },
      { name: 'closing', limit: 200, run: (limit) => ops.queue.sweepClosing(limit) },
    ]);
    return async () => {
      await stopSweeper();
      await permits.stop();
      await readiness.stop();
      await stopSla();
    };
  },
};
