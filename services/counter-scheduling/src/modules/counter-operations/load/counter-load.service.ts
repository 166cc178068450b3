import { shanghaiDate, shanghaiDayStart, type SubgraphRuntime } from '@onestop/common';
import { daySchedule, isOpenAt, type HoursException, type OpeningHours } from '../counter/opening-hours.js';

/** The live load of one counter today (Asia/Shanghai). */
export interface CounterLoadValue {
  counterId: string;
  date: string;
  open: boolean;
  windowsOpen: number;
  waiting: number;
  /** Tickets called to a window or being served there. */
  beingServed: number;
  servedToday: number;
  noShowsToday: number;
  averageWaitMinutesToday: number | null;
  p90WaitMinutesToday: number | null;
  /** beingServed / windowsOpen; 0 when closed. */
  utilisation: number;
  /** Booked appointments still to come today (not checked in, slot not over). */
  appointmentsLeftToday: number;
  /** NOW: how long the longest-waiting ticket has waited so far; null when nobody waits. */
  longestWaitMinutesNow: number | null;
  /** NOW: windows not serving anyone while the counter is open (unstaffed or staffed and free). */
  idleWindows: number;
  /** NOW: people wait (the oldest for IDLE_FLAG_MINUTES or more) while a window is idle. */
  queueWithIdleWindows: boolean;
  /** THE DAY: counter-wait breaches at this counter today, and when the latest fell due. */
  breachesToday: number;
  lastBreachAt: Date | null;
  /** THE DAY: visits (tickets called, or still waiting) and those over the wait target. */
  visitsToday: number;
  visitsOverTargetToday: number;
  computedAt: Date;
  /** Every event up to this id is reflected: subscribe with `since` = this to miss nothing. */
  eventId: string;
}

/** The city: the counters' sums, city-wide wait statistics, and each counter. */
export interface CityLoadValue extends Omit<
  CounterLoadValue,
  'counterId' | 'open' | 'queueWithIdleWindows' | 'lastBreachAt'
> {
  openCounters: number;
  /** Share of today's visits over the wait target (0–1); null before the first visit. */
  overTargetShareToday: number | null;
  /** Counters flagged now: people wait while a window is idle. */
  countersWithIdleWindows: number;
  counters: CounterLoadValue[];
}

interface LoadRow {
  id: string;
  windows: number;
  open_windows: number;
  opening_hours: OpeningHours[];
  ex_closed: boolean | null;
  ex_opens: string | null;
  ex_closes: string | null;
  ex_reason: string | null;
  waiting: number;
  being_served: number;
  served: number;
  avg_wait: number | null;
  p90_wait: number | null;
  no_shows: number;
  left_today: number;
  longest_wait: number | null;
  visits: number;
  over_target: number;
  breaches: number;
  last_breach_at: Date | null;
  city_avg_wait: number | null;
  city_p90_wait: number | null;
  head: string;
}

/**
 * Computes live loads in ONE statement (state and the event log's head read in one snapshot,
 * so "reflects every event up to `eventId`" holds exactly).
 */
export class CounterLoadService {
  constructor(private readonly rt: Pick<SubgraphRuntime, 'ds' | 'clock' | 'calendar' | 'events'>) {}

  /** One counter's load, or null when there is no such counter. */
  async counter(counterId: string): Promise<CounterLoadValue | null> {
    const { counters } = await this.compute(counterId);
    return counters[0] ?? null;
  }

  async city(): Promise<CityLoadValue> {
    const { counters, cityAvg, cityP90, eventId, computedAt, date } = await this.compute(null);
    const sum = (f: (c: CounterLoadValue) => number): number => counters.reduce((n, c) => n + f(c), 0);
    const windowsOpen = sum((c) => c.windowsOpen);
    const beingServed = sum((c) => c.beingServed);
    const visitsToday = sum((c) => c.visitsToday);
    const visitsOverTargetToday = sum((c) => c.visitsOverTargetToday);
    const longest = counters.map((c) => c.longestWaitMinutesNow).filter((m): m is number => m !== null);
    return {
      date,
      openCounters: counters.filter((c) => c.open).length,
      windowsOpen,
      waiting: sum((c) => c.waiting),
      beingServed,
      servedToday: sum((c) => c.servedToday),
      noShowsToday: sum((c) => c.noShowsToday),
      averageWaitMinutesToday: cityAvg,
      p90WaitMinutesToday: cityP90,
      utilisation: windowsOpen ? beingServed / windowsOpen : 0,
      appointmentsLeftToday: sum((c) => c.appointmentsLeftToday),
      longestWaitMinutesNow: longest.length ? Math.max(...longest) : null,
      idleWindows: sum((c) => c.idleWindows),
      countersWithIdleWindows: counters.filter((c) => c.queueWithIdleWindows).length,
      breachesToday: sum((c) => c.breachesToday),
      visitsToday,
      visitsOverTargetToday,
      overTargetShareToday: visitsToday ? visitsOverTargetToday / visitsToday : null,
      computedAt,
      eventId,
      counters,
    };
  }

  private async compute(counterId: string | null): Promise<{
    counters: CounterLoadValue[];
    cityAvg: number | null;
    cityP90: number | null;
    eventId: string;
    computedAt: Date;
    date: string;
  }> {
    const now = this.rt.clock.now();
    const date = shanghaiDate(now);
    const rows: LoadRow[] = await this.rt.ds.query(
      `WITH head AS (SELECT coalesce(max(id), 0)::text AS head FROM platform.event_log),
       target AS (SELECT coalesce((SELECT counter_wait_minutes FROM cs.sla_thresholds WHERE id = 1), 30)::float8 AS minutes),
       t AS (
         SELECT counter_id,
           count(*) FILTER (WHERE status = 'WAITING')::int AS waiting,
           count(*) FILTER (WHERE status IN ('CALLED', 'SERVING'))::int AS being_served,
           count(*) FILTER (WHERE status = 'DONE')::int AS served,
           avg(extract(epoch FROM called_at - issued_at)::float8 / 60) FILTER (WHERE called_at IS NOT NULL) AS avg_wait,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM called_at - issued_at)::float8 / 60)
             FILTER (WHERE called_at IS NOT NULL) AS p90_wait,
           max(extract(epoch FROM $3::timestamptz - issued_at)::float8 / 60) FILTER (WHERE status = 'WAITING') AS longest_wait,
           count(*) FILTER (WHERE called_at IS NOT NULL OR status = 'WAITING')::int AS visits,
           count(*) FILTER (WHERE extract(epoch FROM coalesce(called_at, CASE WHEN status = 'WAITING' THEN $3::timestamptz END) - issued_at) / 60
             > (SELECT minutes FROM target))::int AS over_target
         FROM cs.ticket
         WHERE service_date = $1 AND ($4::text IS NULL OR counter_id = $4)
         GROUP BY GROUPING SETS ((counter_id), ())),
       a AS (
         SELECT counter_id,
           count(*) FILTER (WHERE status = 'NO_SHOW')::int AS no_shows,
           count(*) FILTER (WHERE status = 'BOOKED' AND slot_end > $3)::int AS left_today
         FROM cs.appointment
         WHERE slot_start >= $2 AND slot_start < $2::timestamptz + interval '1 day' AND ($4::text IS NULL OR counter_id = $4)
         GROUP BY counter_id),
       b AS (
         SELECT counter_id, count(*)::int AS breaches, max(breached_at) AS last_breach_at
         FROM cs.sla_breach
         WHERE kind = 'COUNTER_WAIT' AND breached_at >= $2 AND breached_at < $2::timestamptz + interval '1 day'
           AND ($4::text IS NULL OR counter_id = $4)
         GROUP BY counter_id),
       w AS (
         SELECT counter_id, count(*)::int AS open_windows
         FROM cs.counter_window
         WHERE service_date = $1 AND closed_at IS NULL AND ($4::text IS NULL OR counter_id = $4)
         GROUP BY counter_id)
       SELECT c.id, c.windows, c.opening_hours, coalesce(w.open_windows, 0) AS open_windows,
         e.closed AS ex_closed, e.opens AS ex_opens, e.closes AS ex_closes, e.reason AS ex_reason,
         coalesce(t.waiting, 0) AS waiting, coalesce(t.being_served, 0) AS being_served, coalesce(t.served, 0) AS served,
         t.avg_wait, t.p90_wait, coalesce(a.no_shows, 0) AS no_shows, coalesce(a.left_today, 0) AS left_today,
         t.longest_wait, coalesce(t.visits, 0) AS visits, coalesce(t.over_target, 0) AS over_target,
         coalesce(b.breaches, 0) AS breaches, b.last_breach_at,
         city.avg_wait AS city_avg_wait, city.p90_wait AS city_p90_wait, head.head
       FROM cs.service_counter c
       CROSS JOIN head
       LEFT JOIN t ON t.counter_id = c.id
       LEFT JOIN a ON a.counter_id = c.id
       LEFT JOIN w ON w.counter_id = c.id
       LEFT JOIN b ON b.counter_id = c.id
       LEFT JOIN t AS city ON city.counter_id IS NULL
       LEFT JOIN cs.counter_hours_exception e ON e.counter_id = c.id AND e.date = $1
       WHERE ($4::text IS NULL OR c.id = $4)
       ORDER BY c.district, c.name`,
      [date, shanghaiDayStart(date), now, counterId],
    );
    const calendar = this.rt.calendar.calendar;
    const eventId = rows[0]?.head ?? (await this.rt.events.headId());
    const counters = rows.map((r): CounterLoadValue => {
      const exception: HoursException | undefined =
        r.ex_closed === null
          ? undefined
          : { date, closed: r.ex_closed, opens: r.ex_opens, closes: r.ex_closes, reason: r.ex_reason ?? '' };
      const open = isOpenAt(daySchedule(r.opening_hours, exception, calendar, date), now);
      // The windows a clerk has opened today (openWindow, or a call to it), while the counter is open.
      const windowsOpen = open ? Math.min(r.open_windows, r.windows) : 0;
      const idleWindows = open ? Math.max(0, r.windows - r.being_served) : 0;
      const longestWait = round(r.longest_wait);
      return {
        counterId: r.id,
        date,
        open,
        windowsOpen,
        waiting: r.waiting,
        beingServed: r.being_served,
        servedToday: r.served,
        noShowsToday: r.no_shows,
        averageWaitMinutesToday: round(r.avg_wait),
        p90WaitMinutesToday: round(r.p90_wait),
        utilisation: windowsOpen ? r.being_served / windowsOpen : 0,
        appointmentsLeftToday: r.left_today,
        longestWaitMinutesNow: longestWait,
        idleWindows,
        queueWithIdleWindows: queueWaitsWhileIdle(r.waiting, longestWait, idleWindows),
        breachesToday: r.breaches,
        lastBreachAt: r.last_breach_at,
        visitsToday: r.visits,
        visitsOverTargetToday: r.over_target,
        computedAt: now,
        eventId,
      };
    });
    return {
      counters,
      cityAvg: round(rows[0]?.city_avg_wait ?? null),
      cityP90: round(rows[0]?.city_p90_wait ?? null),
      eventId,
      computedAt: now,
      date,
    };
  }
}

/** A queue that waited this long while a window was idle is flagged (a gap between two calls is not). */
export const IDLE_FLAG_MINUTES = 5;

/**
 * True when people wait while windows are idle: someone has waited IDLE_FLAG_MINUTES or more
 * and at least one of the counter's windows serves nobody (unstaffed, or staffed and free).
 */
export function queueWaitsWhileIdle(waiting: number, longestWaitMinutes: number | null, idleWindows: number): boolean {
  return waiting > 0 && idleWindows > 0 && (longestWaitMinutes ?? 0) >= IDLE_FLAG_MINUTES;
}

function round(n: number | null): number | null {
  return n === null || n === undefined ? null : Math.round(Number(n) * 10) / 10;
}
