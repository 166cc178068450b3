/**
 * The seam of counter operations (issue 17): everything the rest of counter-scheduling (the
 * wiring in `context.ts` / `subgraph.ts`, and the SLA/calendar module) may use of it. Nothing
 * outside `modules/counter-operations/` imports a file of it past this one, so a later split
 * of the subgraph cuts here.
 */
// In the order the subgraph registered its GraphQL types before the module split (services
// first, then the resolvers), so the printed SDL keeps its order.
export { AcceptanceService, acceptedReceipt } from './acceptance/acceptance.service.js';
export { AppointmentService } from './appointment/appointment.service.js';
export { ClaimService } from './claim/claim.service.js';
export { CounterTodayService } from './console/counter-today.service.js';
export { CounterService } from './counter/counter.service.js';
export { HallDisplayService } from './hall/hall-display.service.js';
export { CounterLoadCache } from './load/counter-load.cache.js';
export { CounterLoadChanges } from './load/counter-load.changes.js';
export { CounterLoadService } from './load/counter-load.service.js';
export { LoadHistoryService } from './load/load-history.service.js';
export { QueueService } from './queue/queue.service.js';
export { CaseReadinessStore } from './readiness/case-readiness.store.js';
export { ReportService } from './report/report.service.js';
export { ThroughputService } from './throughput/throughput.service.js';
export { CounterWindowService } from './window/counter-window.service.js';
export { CaseWithdrawalService } from './withdrawal/case-withdrawal.service.js';
import { ServiceCounterEntity } from './counter/counter.entity.js';
import { CounterResolver } from './counter/counter.resolver.js';
import { CounterTodayResolver } from './console/counter-today.resolver.js';
import { AcceptanceEntity } from './acceptance/acceptance.entity.js';
import { AcceptanceResolver } from './acceptance/acceptance.resolver.js';
import { AppointmentEntity } from './appointment/appointment.entity.js';
import { AppointmentResolver } from './appointment/appointment.resolver.js';
import { CaseCounterResolver } from './case/case-counter.resolver.js';
import { ClaimEntity } from './claim/claim.entity.js';
import { ClaimResolver } from './claim/claim.resolver.js';
import { CounterHoursExceptionEntity } from './counter/counter-hours-exception.entity.js';
import { CounterLoadResolver } from './load/counter-load.resolver.js';
import { QueueResolver } from './queue/queue.resolver.js';
import { TicketEntity } from './queue/ticket.entity.js';
import { CaseReadinessEntity } from './readiness/case-readiness.entity.js';
import { PermitIssueEntity } from './throughput/permit-issue.entity.js';
import { ReportResolver } from './report/report.resolver.js';
import { ThroughputResolver } from './throughput/throughput.resolver.js';
import { CounterWindowEntity } from './window/counter-window.entity.js';
import { CounterWindowResolver } from './window/counter-window.resolver.js';
import { HallDisplayResolver } from './hall/hall-display.resolver.js';

/** The TypeORM entities of counter operations (tables of schema `cs`). */
export const COUNTER_OPERATIONS_ENTITIES = [
  ServiceCounterEntity,
  CounterHoursExceptionEntity,
  CaseReadinessEntity,
  AppointmentEntity,
  TicketEntity,
  AcceptanceEntity,
  ClaimEntity,
  PermitIssueEntity,
  CounterWindowEntity,
] as const;

/** The GraphQL resolvers of counter operations. */
export const COUNTER_OPERATIONS_RESOLVERS = [
  CounterResolver,
  AppointmentResolver,
  QueueResolver,
  AcceptanceResolver,
  ClaimResolver,
  CounterLoadResolver,
  CaseCounterResolver,
  ThroughputResolver,
  ReportResolver,
  CounterWindowResolver,
  HallDisplayResolver,
  CounterTodayResolver,
] as const;

// Background work, for `subgraph.ts` start().
export { startCaseReadinessConsumer } from './readiness/case-readiness.consumer.js';
export { startPermitIssueConsumer } from './throughput/permit-issue.consumer.js';
export { startCounterSweeper } from './shared/counter-sweeper.js';
export { seedCounters } from './counter/counter.seed.js';

// Federation: the entities this module resolves by reference, and what the request's loaders batch.
export { resolveCaseReference } from './case/case.reference.js';
export { resolveServiceCounterReference } from './counter/counter.reference.js';
export type { AcceptanceEntity, AppointmentEntity, ClaimEntity, CaseReadinessEntity, TicketEntity };
export type { CounterHoursExceptionEntity, ServiceCounterEntity };
