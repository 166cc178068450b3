import DataLoader from 'dataloader';
import { shanghaiDate, type Actor, type SubgraphRuntime } from '@onestop/common';
import { AcceptanceService } from './modules/counter-operations/acceptance/acceptance.service.js';
import type { AcceptanceEntity } from './modules/counter-operations/acceptance/acceptance.entity.js';
import type { AppointmentEntity } from './modules/counter-operations/appointment/appointment.entity.js';
import { AppointmentService } from './modules/counter-operations/appointment/appointment.service.js';
import type { ClaimEntity } from './modules/counter-operations/claim/claim.entity.js';
import { ClaimService } from './modules/counter-operations/claim/claim.service.js';
import type { CounterHoursExceptionEntity } from './modules/counter-operations/counter/counter-hours-exception.entity.js';
import type { ServiceCounterEntity } from './modules/counter-operations/counter/counter.entity.js';
import { CounterTodayService } from './modules/counter-operations/console/counter-today.service.js';
import { CounterService } from './modules/counter-operations/counter/counter.service.js';
import { loadCounterSchedulingConfig } from './config.js';
import { HallDisplayService } from './modules/counter-operations/hall/hall-display.service.js';
import { CounterLoadCache } from './modules/counter-operations/load/counter-load.cache.js';
import { CounterLoadChanges } from './modules/counter-operations/load/counter-load.changes.js';
import { CounterLoadService } from './modules/counter-operations/load/counter-load.service.js';
import { LoadHistoryService } from './modules/counter-operations/load/load-history.service.js';
import type { TicketEntity } from './modules/counter-operations/queue/ticket.entity.js';
import { QueueService } from './modules/counter-operations/queue/queue.service.js';
import type { CaseReadinessEntity } from './modules/counter-operations/readiness/case-readiness.entity.js';
import { CaseReadinessService } from './modules/counter-operations/readiness/case-readiness.service.js';
import { ReportService } from './modules/counter-operations/report/report.service.js';
import { ThroughputService } from './modules/counter-operations/throughput/throughput.service.js';
import { CounterWindowService } from './modules/counter-operations/window/counter-window.service.js';

/** The counter-operations services of one process (stateless, except the shared load cache). */
export interface CounterOperations {
  runtime: SubgraphRuntime;
  counters: CounterService;
  cases: CaseReadinessService;
  appointments: AppointmentService;
  queue: QueueService;
  windows: CounterWindowService;
  hall: HallDisplayService;
  acceptance: AcceptanceService;
  claims: ClaimService;
  load: CounterLoadService;
  loadHistory: LoadHistoryService;
  throughput: ThroughputService;
  report: ReportService;
  counterToday: CounterTodayService;
  /** Shared by every subscription of this process: one computation per counter per event batch. */
  loadCache: CounterLoadCache;
  /** Shared by every subscription of this process: which load changes lie between two log positions. */
  loadChanges: CounterLoadChanges;
}

const byRuntime = new WeakMap<SubgraphRuntime, CounterOperations>();

/** The process's counter-operations services, created on first use. */
export function counterOperations(rt: SubgraphRuntime): CounterOperations {
  let ops = byRuntime.get(rt);
  if (!ops) {
    const counters = new CounterService(rt, loadCounterSchedulingConfig().bookingHorizonDays);
    const cases = new CaseReadinessService(rt);
    const appointments = new AppointmentService(rt, cases, counters);
    const load = new CounterLoadService(rt);
    const windows = new CounterWindowService(rt, counters);
    ops = {
      runtime: rt,
      counters,
      cases,
      appointments,
      queue: new QueueService(rt, cases, counters, appointments, windows),
      windows,
      hall: new HallDisplayService(rt),
      acceptance: new AcceptanceService(rt, cases),
      claims: new ClaimService(rt, cases),
      load,
      loadHistory: new LoadHistoryService(rt),
      throughput: new ThroughputService(rt, counters),
      report: new ReportService(rt, rt.clock),
      counterToday: new CounterTodayService(rt, counters, load, windows),
      loadCache: new CounterLoadCache((counterId) => load.counter(counterId)),
      loadChanges: new CounterLoadChanges(rt.events),
    };
    byRuntime.set(rt, ops);
  }
  return ops;
}

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

export function createCounterLoaders(ops: CounterOperations, actor: Actor | null): CounterLoaders {
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
