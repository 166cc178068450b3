/**
 * The SLA/calendar module of counter-scheduling (issue 17): SLA clocks and their sweeper,
 * breaches, the alert feed, the thresholds, the SLA work list and the working-day calendar.
 * This file is its seam: the wiring (`context.ts`, `subgraph.ts`) and counter operations
 * import the module only from here. Counter operations and SLA/calendar otherwise talk
 * through the event log (the clocks start and stop on counter events); the one thing the
 * clocks ask of counter operations is passed in as a function (`acceptedReceipt`).
 */
import type { DataSource } from 'typeorm';
import type { Actor, CalendarStore, Clock, CommandPipeline, EventStore, Logger, ProcessMetrics } from '@onestop/common';
import { EventHandlers } from '@onestop/common/contract';
import { SlaAlertResolver, type SlaAlertsContext } from './alerts/sla-alert.resolver.js';
import { SlaAlertService } from './alerts/sla-alert.service.js';
import { SlaBreachEntity } from './clocks/sla-breach.entity.js';
import { SlaBreachResolver, type SlaBreachesContext } from './breaches/sla-breach.resolver.js';
import { SlaBreachService } from './breaches/sla-breach.service.js';
import { SlaBreachStore } from './breaches/sla-breach.store.js';
import { CalendarResolver, type CalendarContext } from './calendar/calendar.resolver.js';
import { CalendarService } from './calendar/calendar.service.js';
import { CalendarEntryStore } from './calendar/calendar.store.js';
import { clocksByCaseLoader } from './clocks/case-clocks.loader.js';
import { CaseClocksService } from './clocks/case-clocks.service.js';
import { CaseClocksStore } from './clocks/case-clocks.store.js';
import { SlaCaseEntity } from './clocks/sla-case.entity.js';
import { SlaClockEntity } from './clocks/sla-clock.entity.js';
import { CaseSlaResolver, type CaseClocksContext } from './clocks/sla-clock.resolver.js';
import { SLA_CLOCK_EVENT_TYPES, SlaClockService, type AcceptedReceipt } from './clocks/sla-clock.service.js';
import { registerSlaMetrics } from './clocks/sla.metrics.js';
import { SlaSweeper } from './clocks/sla-sweeper.js';
import type { SlaCalendarConfig } from './sla-calendar.config.js';
import { SlaThresholdsEntity } from './thresholds/sla-thresholds.entity.js';
import { SlaThresholdsResolver, type SlaThresholdsContext } from './thresholds/sla-thresholds.resolver.js';
import { SlaThresholdsService } from './thresholds/sla-thresholds.service.js';
import { SlaWorkListResolver, type SlaWorkListContext } from './work-list/sla-work-list.resolver.js';
import { SlaWorkListService } from './work-list/sla-work-list.service.js';
import { SlaWorkListStore } from './work-list/sla-work-list.store.js';

export { readSlaCalendarConfig, type SlaCalendarConfig } from './sla-calendar.config.js';
export type { AcceptedReceipt } from './clocks/sla-clock.service.js';
/** `Case` as counter-scheduling extends it (counter operations add their fields to it too). */
export { CaseRef } from '../../shared/graphql-types.js';
/** The GraphQL enum `SlaKind` (counter operations' monthly report uses it). */
export { SlaKindEnum } from './clocks/sla.enums.js';
/** The sweeper and its statement, for the sweep benchmark (bench/src/scenarios/sla-sweep.ts). */
export { SlaSweeper, SWEEP_SQL, type SlaSweeperOptions } from './clocks/sla-sweeper.js';

/** The module's tables (TypeORM entities; the schema itself comes from the migrations). */
export const SLA_CALENDAR_ENTITIES = [SlaClockEntity, SlaBreachEntity, SlaThresholdsEntity, SlaCaseEntity];

/** The module's resolvers (the schema is built without a database, so these are static). */
export const SLA_CALENDAR_RESOLVERS = [
  CaseSlaResolver,
  SlaBreachResolver,
  SlaAlertResolver,
  SlaThresholdsResolver,
  SlaWorkListResolver,
  CalendarResolver,
] as const;

/** The durable consumer that starts, stops and recomputes clocks; shared by every instance. */
export const SLA_CLOCKS_CONSUMER = 'counter-scheduling.sla-clocks';

/** What the module is built from: runtime pieces, its config section, and counter operations' port. */
export interface SlaCalendarDeps {
  ds: DataSource;
  events: EventStore;
  clock: Clock;
  calendar: CalendarStore;
  logger: Logger;
  metrics: ProcessMetrics;
  commands: CommandPipeline;
  config: SlaCalendarConfig;
  acceptedReceipt: AcceptedReceipt;
}

/** The module's services, built once per process and shared by every request. */
export interface SlaCalendarServices {
  clocks: CaseClocksService;
  breaches: SlaBreachService;
  alerts: SlaAlertService;
  thresholds: SlaThresholdsService;
  workList: SlaWorkListService;
  calendar: CalendarService;
}

/** The module's part of a request's context (`ctx.slaCalendar`): its services and this request's loaders. */
export interface SlaCalendarRequest extends SlaCalendarServices {
  loaders: CaseClocksContext['slaCalendar']['loaders'];
}

/**
 * A request context that carries the module (`ctx.slaCalendar`). It extends what each resolver
 * declares it needs, so a resolver that reads something the module does not give fails to compile.
 */
export interface SlaCalendarContext
  extends
    CaseClocksContext,
    SlaBreachesContext,
    SlaAlertsContext,
    SlaThresholdsContext,
    SlaWorkListContext,
    CalendarContext {
  slaCalendar: SlaCalendarRequest;
}

/** The built module: services, per-request context, and its background work. */
export interface SlaCalendar {
  services: SlaCalendarServices;
  /** `ctx.slaCalendar` of one request (its DataLoaders are per request, scoped to its actor). */
  forRequest(actor: Actor | null): SlaCalendarRequest;
  /** Starts the clock consumer and the sweeper of this instance; returns how to stop both. */
  start(): Promise<() => Promise<void>>;
}

/** Builds the module once (the wiring calls it once per process) from explicit dependencies. */
export function createSlaCalendar(deps: SlaCalendarDeps): SlaCalendar {
  const services: SlaCalendarServices = {
    clocks: new CaseClocksService(new CaseClocksStore(deps.ds), deps.calendar, deps.clock),
    breaches: new SlaBreachService(new SlaBreachStore(deps.ds)),
    alerts: new SlaAlertService(deps.events),
    thresholds: new SlaThresholdsService(deps.ds, deps.commands),
    workList: new SlaWorkListService(new SlaWorkListStore(deps.ds), deps),
    calendar: new CalendarService(new CalendarEntryStore(deps.ds), deps.commands, deps.calendar, deps.clock),
  };
  return {
    services,
    forRequest: (actor) => ({ ...services, loaders: { clocksByCase: clocksByCaseLoader(services.clocks, actor) } }),
    start: async () => {
      const clocks = new SlaClockService({
        events: deps.events,
        calendar: deps.calendar,
        clock: deps.clock,
        logger: deps.logger.child({ component: 'sla-clocks' }),
        acceptedReceipt: deps.acceptedReceipt,
      });
      // One event per transaction: a handler appends its events last, so it never waits for a
      // clock row while holding the event log's append lock (the sweeper's order is the reverse:
      // rows first, with SKIP LOCKED, then the append lock), and the two cannot deadlock.
      const consumer = deps.events.consume(
        SLA_CLOCKS_CONSUMER,
        { batchSize: 1 },
        new EventHandlers().on(SLA_CLOCK_EVENT_TYPES, (event, tx) => clocks.handle(event, tx)),
      );
      await consumer.start();
      const sweeper = new SlaSweeper({
        ds: deps.ds,
        commands: deps.commands,
        clock: deps.clock,
        logger: deps.logger.child({ component: 'sla-sweeper' }),
        intervalMs: deps.config.sweepIntervalMs,
        batchSize: deps.config.sweepBatchSize,
        onSweep: registerSlaMetrics(deps),
      });
      sweeper.start();
      return async () => {
        await sweeper.stop();
        await consumer.stop();
      };
    },
  };
}
