import type { SubgraphRuntime } from '@onestop/common';
import { CalendarService } from './calendar.service.js';

/** The calendar part of a request's context. */
export interface CalendarContext {
  service: CalendarService;
}

export function createCalendarContext(runtime: SubgraphRuntime): CalendarContext {
  return { service: new CalendarService(runtime.ds, runtime.events, runtime.calendar, runtime.clock) };
}
