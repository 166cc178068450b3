import DataLoader from 'dataloader';
import {
  commandPipeline,
  oncePerRuntime,
  shanghaiDate,
  type Actor,
  type RequestContext,
  type SubgraphRuntime,
} from '@onestop/common';
import { configOf } from './config.js';
import {
  AcceptanceService,
  acceptedReceipt,
  AppointmentService,
  CaseReadinessStore,
  CaseWithdrawalService,
  ClaimService,
  CounterLoadCache,
  CounterLoadChanges,
  CounterLoadService,
  CounterService,
  CounterTodayService,
  CounterWindowService,
  HallDisplayService,
  LoadHistoryService,
  QueueService,
  ReportService,
  ThroughputService,
  type AcceptanceEntity,
  type AppointmentEntity,
  type CaseReadinessEntity,
  type ClaimEntity,
  type CounterHoursExceptionEntity,
  type ServiceCounterEntity,
  type TicketEntity,
} from './modules/counter-operations/index.js';
import { createSlaCalendar, type SlaCalendarContext } from './modules/sla-calendar/index.js';

/**
 * The services of one process, built once with explicit dependencies (issue 17, decision 0022):
 * counter operations here; the SLA/calendar module's beside them.
 */
export const servicesOf = oncePerRuntime((rt: SubgraphRuntime) => {
  const config = configOf(rt);
  const commands = commandPipeline(rt);
  const counters = new CounterService(rt, commands, config.bookingHorizonDays);
  const cases = new CaseReadinessStore(rt);
  const appointments = new AppointmentService(rt, commands, cases, counters);
  const windows = new CounterWindowService(rt, commands, counters);
  const queue = new QueueService(rt, commands, cases, counters, appointments, windows);
  const load = new CounterLoadService(rt);
  const ops = {
    runtime: rt,
    counters,
    cases,
    appointments,
    queue,
    windows,
    hall: new HallDisplayService(rt),
    acceptance: new AcceptanceService(rt, commands, cases),
    claims: new ClaimService(rt, commands, cases),
    withdrawal: new CaseWithdrawalService(
      commands,
      cases,
      queue,
      appointments,
      rt.logger.child({ component: 'case-readiness' }),
    ),
    load,
    loadHistory: new LoadHistoryService(rt),
    throughput: new ThroughputService(rt, counters),
    report: new ReportService(rt, rt.clock),
    counterToday: new CounterTodayService(rt, counters, load, windows),
    /** Shared by every subscription of this process: one computation per counter per event batch. */
    loadCache: new CounterLoadCache((counterId) => load.counter(counterId)),
    /** Shared by every subscription of this process: which load changes lie between two log positions. */
    loadChanges: new CounterLoadChanges(rt.events),
  };
  // The SLA/calendar module, behind its seam: it learns of counter operations only through
  // `acceptedReceipt` and the event log.
  const slaCalendar = createSlaCalendar({
    ds: rt.ds,
    events: rt.events,
    clock: rt.clock,
    calendar: rt.calendar,
    logger: rt.logger,
    metrics: rt.metrics,
    commands,
    config: config.slaCalendar,
    acceptedReceipt,
  });
  return { ops, slaCalendar };
});

/** The counter-operations services of one process. */
export type CounterOperations = ReturnType<typeof servicesOf>['ops'];

/** Per-request DataLoaders: one SQL statement per entity type per request batch, scoped to the actor. */
export interface CounterLoaders {
  counterById: DataLoader<string, ServiceCounterEntity | null>;
  upcomingExceptionsByCounter: DataLoader<string, CounterHoursExceptionEntity[]>;
  readinessByCase: DataLoader<string, CaseReadinessEntity | null>;
  appointmentByCase: DataLoader<string, AppointmentEntity | null>;
  visitsByCase: DataLoader<string, TicketEntity[]>;
  acceptanceByCase: DataLoader<string, AcceptanceEntity | null>;
  claimByCase: DataLoader<string, ClaimEntity | null>;
}

/** Per-request context of the counter-scheduling subgraph. */
export interface CounterSchedulingContext extends RequestContext, SlaCalendarContext {
  /** Counter operations: the services of the process, and this request's DataLoaders. */
  ops: CounterOperations;
  opsLoaders: CounterLoaders;
}

export function createContext(runtime: SubgraphRuntime, base: RequestContext): CounterSchedulingContext {
  const { ops, slaCalendar } = servicesOf(runtime);
  return {
    ...base,
    ops,
    opsLoaders: createCounterLoaders(ops, base.actor),
    slaCalendar: slaCalendar.forRequest(base.actor),
  };
}

function createCounterLoaders(ops: CounterOperations, actor: Actor | null): CounterLoaders {
  const scoped = <V>(load: (a: Actor, ids: readonly string[]) => Promise<Map<string, V>>, empty: V) =>
    new DataLoader<string, V>(async (ids) => {
      if (!actor) return ids.map(() => empty);
      const found = await load(actor, ids);
      return ids.map((id) => found.get(id) ?? empty);
    });
  const counterById = new DataLoader<string, ServiceCounterEntity | null>(async (ids) => {
    const found = await ops.counters.findByIds(ids);
    return ids.map((id) => found.get(id) ?? null);
  });
  return {
    counterById,
    upcomingExceptionsByCounter: new DataLoader(async (ids) => {
      const found = await ops.counters.exceptionsFrom(ids, shanghaiDate(ops.runtime.clock.now()));
      return ids.map((id) => found.get(id) ?? []);
    }),
    readinessByCase: new DataLoader(async (ids) => {
      const found = await ops.cases.findByIds(ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    // The appointments' counters come in the same statement: `Appointment.counter` then needs none.
    appointmentByCase: scoped<AppointmentEntity | null>(async (a, ids) => {
      const { byCase, counters } = await ops.appointments.latestByCase(a, ids);
      for (const [id, c] of counters) counterById.prime(id, c);
      return byCase;
    }, null),
    visitsByCase: scoped<TicketEntity[]>((a, ids) => ops.queue.visitsByCase(a, ids), []),
    acceptanceByCase: scoped<AcceptanceEntity | null>((a, ids) => ops.acceptance.byCase(a, ids), null),
    claimByCase: scoped<ClaimEntity | null>((a, ids) => ops.claims.byCase(a, ids), null),
  };
}
