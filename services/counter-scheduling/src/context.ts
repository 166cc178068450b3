import type { DataSource } from 'typeorm';
import { commandPipeline, oncePerRuntime, type RequestContext, type SubgraphRuntime } from '@onestop/common';
import { acceptedReceipt } from './acceptance/acceptance.service.js';
import { loadCounterSchedulingConfig } from './config.js';
import { createSlaCalendar, type SlaCalendarContext } from './modules/sla-calendar/index.js';
import { counterOperations, createCounterLoaders, type CounterLoaders, type CounterOperations } from './operations.js';

/** Per-request context of the counter-scheduling subgraph. */
export interface CounterSchedulingContext extends RequestContext, SlaCalendarContext {
  ds: DataSource;
  /** Counter operations (issue 6): services of the process, and this request's DataLoaders. */
  ops: CounterOperations;
  opsLoaders: CounterLoaders;
}

/** The SLA/calendar module, built once per process from explicit dependencies (its seam). */
export const slaCalendarOf = oncePerRuntime((rt) =>
  createSlaCalendar({
    ds: rt.ds,
    events: rt.events,
    clock: rt.clock,
    calendar: rt.calendar,
    logger: rt.logger,
    metrics: rt.metrics,
    commands: commandPipeline(rt),
    config: loadCounterSchedulingConfig().slaCalendar,
    acceptedReceipt,
  }),
);

export function createContext(runtime: SubgraphRuntime, base: RequestContext): CounterSchedulingContext {
  return {
    ...base,
    ds: runtime.ds,
    slaCalendar: slaCalendarOf(runtime).forRequest(base.actor),
    ops: counterOperations(runtime),
    opsLoaders: createCounterLoaders(counterOperations(runtime), base.actor),
  };
}
