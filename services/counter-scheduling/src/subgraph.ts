import { buildFederatedSchema, type SubgraphDefinition } from '@onestop/common';
import { createContext, slaCalendarOf, type CounterSchedulingContext } from './context.js';
import { ServiceCounterEntity } from './counter/counter.entity.js';
import { CounterResolver } from './counter/counter.resolver.js';
import { CounterTodayResolver } from './console/counter-today.resolver.js';
import { seedCounters } from './counter/counter.seed.js';
import { CsInit1764201600003 } from './migrations/1764201600003-init.js';
import { startCounterOperations } from './background.js';
import { AcceptanceEntity } from './acceptance/acceptance.entity.js';
import { AcceptanceResolver } from './acceptance/acceptance.resolver.js';
import { AppointmentEntity } from './appointment/appointment.entity.js';
import { AppointmentResolver } from './appointment/appointment.resolver.js';
import { CaseCounterResolver } from './case/case-counter.resolver.js';
import { resolveCaseReference } from './case/case.reference.js';
import { ClaimEntity } from './claim/claim.entity.js';
import { ClaimResolver } from './claim/claim.resolver.js';
import { CounterHoursExceptionEntity } from './counter/counter-hours-exception.entity.js';
import { resolveServiceCounterReference } from './counter/counter.reference.js';
import { CounterLoadResolver } from './load/counter-load.resolver.js';
import { CsCounterOperations1764201603000 } from './migrations/1764201603000-counter-operations.js';
import { QueueResolver } from './queue/queue.resolver.js';
import { TicketEntity } from './queue/ticket.entity.js';
import { CaseReadinessEntity } from './readiness/case-readiness.entity.js';
import { CsSlaClocks1764201603500 } from './migrations/1764201603500-sla-clocks.js';
import { CsSlaFollowUp1796610000001 } from './migrations/1796610000001-sla-follow-up.js';
import { CaseRef, SLA_CALENDAR_ENTITIES, SLA_CALENDAR_RESOLVERS } from './modules/sla-calendar/index.js';
import { CsThroughputAndUnserved1764201604000 } from './migrations/1764201604000-throughput-and-unserved.js';
import { PermitIssueEntity } from './throughput/permit-issue.entity.js';
import { ReportResolver } from './report/report.resolver.js';
import { ThroughputResolver } from './throughput/throughput.resolver.js';
import { CsTicketClosing1764201606000 } from './migrations/1764201606000-ticket-closing.js';
import { CsCounterChineseNames1764201607000 } from './migrations/1764201607000-counter-chinese-names.js';
import { CsTicketWithdrawn1764201608000 } from './migrations/1764201608000-ticket-withdrawn.js';
import { CsClerkWorkstation1764201612000 } from './migrations/1764201612000-clerk-workstation.js';
import { CsCounterLocations1796600000001 } from './migrations/1796600000001-counter-locations.js';
import { CounterWindowEntity } from './window/counter-window.entity.js';
import { CounterWindowResolver } from './window/counter-window.resolver.js';
import { HallDisplayResolver } from './hall/hall-display.resolver.js';

/** The counter-scheduling subgraph: counters, appointments, queues, acceptance, claims and SLA clocks. */
export const counterSchedulingSubgraph: SubgraphDefinition<CounterSchedulingContext> = {
  name: 'counter-scheduling',
  dbSchema: 'cs',
  defaultPort: 4003,
  entities: [
    ServiceCounterEntity,
    CounterHoursExceptionEntity,
    CaseReadinessEntity,
    AppointmentEntity,
    TicketEntity,
    AcceptanceEntity,
    ClaimEntity,
    PermitIssueEntity,
    CounterWindowEntity,
    ...SLA_CALENDAR_ENTITIES,
  ],
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
  ],
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [
          CounterResolver,
          AppointmentResolver,
          QueueResolver,
          AcceptanceResolver,
          ClaimResolver,
          CounterLoadResolver,
          CaseCounterResolver,
          ...SLA_CALENDAR_RESOLVERS,
          ThroughputResolver,
          ReportResolver,
          CounterWindowResolver,
          HallDisplayResolver,
          CounterTodayResolver,
        ],
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
  async start(runtime) {
    await seedCounters(runtime.ds);
    const stopSla = await slaCalendarOf(runtime).start();
    const stopCounterOperations = await startCounterOperations(runtime);
    return async () => {
      await stopCounterOperations();
      await stopSla();
    };
  },
};
