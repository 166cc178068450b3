import { buildFederatedSchema, type SubgraphDefinition } from '@onestop/common';
import { createContext, type CounterSchedulingContext } from './context.js';
import { ServiceCounterEntity } from './modules/counter-operations/counter/counter.entity.js';
import { CounterResolver } from './modules/counter-operations/counter/counter.resolver.js';
import { CounterTodayResolver } from './modules/counter-operations/console/counter-today.resolver.js';
import { seedCounters } from './modules/counter-operations/counter/counter.seed.js';
import { CsInit1764201600003 } from './migrations/1764201600003-init.js';
import { startCounterOperations } from './background.js';
import { AcceptanceEntity } from './modules/counter-operations/acceptance/acceptance.entity.js';
import { AcceptanceResolver } from './modules/counter-operations/acceptance/acceptance.resolver.js';
import { AppointmentEntity } from './modules/counter-operations/appointment/appointment.entity.js';
import { AppointmentResolver } from './modules/counter-operations/appointment/appointment.resolver.js';
import { CaseCounterResolver } from './modules/counter-operations/case/case-counter.resolver.js';
import { resolveCaseReference } from './modules/counter-operations/case/case.reference.js';
import { ClaimEntity } from './modules/counter-operations/claim/claim.entity.js';
import { ClaimResolver } from './modules/counter-operations/claim/claim.resolver.js';
import { CounterHoursExceptionEntity } from './modules/counter-operations/counter/counter-hours-exception.entity.js';
import { resolveServiceCounterReference } from './modules/counter-operations/counter/counter.reference.js';
import { CounterLoadResolver } from './modules/counter-operations/load/counter-load.resolver.js';
import { CsCounterOperations1764201603000 } from './migrations/1764201603000-counter-operations.js';
import { QueueResolver } from './modules/counter-operations/queue/queue.resolver.js';
import { TicketEntity } from './modules/counter-operations/queue/ticket.entity.js';
import { CaseReadinessEntity } from './modules/counter-operations/readiness/case-readiness.entity.js';
import { CalendarResolver } from './calendar/calendar.resolver.js';
import { CsSlaClocks1764201603500 } from './migrations/1764201603500-sla-clocks.js';
import { startSlaBackground } from './sla/sla.background.js';
import { SlaBreachEntity } from './sla/sla-breach.entity.js';
import { SlaBreachResolver } from './sla/sla-breach.resolver.js';
import { SlaCaseEntity } from './sla/sla-case.entity.js';
import { SlaClockEntity } from './sla/sla-clock.entity.js';
import { CaseSlaResolver } from './sla/sla-clock.resolver.js';
import { SlaThresholdsEntity } from './sla/sla-thresholds.entity.js';
import { SlaThresholdsResolver } from './sla/sla-thresholds.resolver.js';
import { SlaWorkListResolver } from './sla/sla-work-list.resolver.js';
import { CsSlaFollowUp1796610000001 } from './migrations/1796610000001-sla-follow-up.js';
import { CaseRef } from './sla/sla.type.js';
import { CsThroughputAndUnserved1764201604000 } from './migrations/1764201604000-throughput-and-unserved.js';
import { PermitIssueEntity } from './modules/counter-operations/throughput/permit-issue.entity.js';
import { ReportResolver } from './modules/counter-operations/report/report.resolver.js';
import { ThroughputResolver } from './modules/counter-operations/throughput/throughput.resolver.js';
import { CsTicketClosing1764201606000 } from './migrations/1764201606000-ticket-closing.js';
import { CsCounterChineseNames1764201607000 } from './migrations/1764201607000-counter-chinese-names.js';
import { CsTicketWithdrawn1764201608000 } from './migrations/1764201608000-ticket-withdrawn.js';
import { CsClerkWorkstation1764201612000 } from './migrations/1764201612000-clerk-workstation.js';
import { CsCounterLocations1796600000001 } from './migrations/1796600000001-counter-locations.js';
import { CounterWindowEntity } from './modules/counter-operations/window/counter-window.entity.js';
import { CounterWindowResolver } from './modules/counter-operations/window/counter-window.resolver.js';
import { HallDisplayResolver } from './modules/counter-operations/hall/hall-display.resolver.js';

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
    SlaClockEntity,
    SlaBreachEntity,
    SlaThresholdsEntity,
    SlaCaseEntity,
    PermitIssueEntity,
    CounterWindowEntity,
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
          CaseSlaResolver,
          SlaBreachResolver,
          SlaThresholdsResolver,
          SlaWorkListResolver,
          CalendarResolver,
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
    const stopSla = await startSlaBackground(runtime);
    const stopCounterOperations = await startCounterOperations(runtime);
    return async () => {
      await stopCounterOperations();
      await stopSla();
    };
  },
};
