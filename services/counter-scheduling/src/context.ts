import type { DataSource } from 'typeorm';
import type { RequestContext, SubgraphRuntime } from '@onestop/common';
import { createCalendarContext, type CalendarContext } from './calendar/calendar.context.js';
import { createSlaContext, type SlaContext } from './sla/sla.context.js';
import { counterOperations, createCounterLoaders, type CounterLoaders, type CounterOperations } from './operations.js';

/** Per-request context of the counter-scheduling subgraph. */
export interface CounterSchedulingContext extends RequestContext {
  ds: DataSource;
  sla: SlaContext;
  calendar: CalendarContext;
  /** Counter operations (issue 6): services of the process, and this request's DataLoaders. */
  ops: CounterOperations;
  opsLoaders: CounterLoaders;
}

export function createContext(runtime: SubgraphRuntime, base: RequestContext): CounterSchedulingContext {
  return {
    ...base,
    ds: runtime.ds,
    sla: createSlaContext(runtime, base),
    calendar: createCalendarContext(runtime),
    ops: counterOperations(runtime),
    opsLoaders: createCounterLoaders(counterOperations(runtime), base.actor),
  };
}
