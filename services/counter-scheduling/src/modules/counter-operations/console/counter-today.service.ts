import { shanghaiDate, shanghaiDayStart, type SubgraphRuntime } from '@onestop/common';
import type { CounterService } from '../counter/counter.service.js';
import { formatHhmm } from '../counter/opening-hours.js';
import type { CounterLoadService, CounterLoadValue } from '../load/counter-load.service.js';
import type { CounterWindowService, CounterWindowValue } from '../window/counter-window.service.js';

/** A ticket in the queue as the counter page shows it: a number and times, no personal data. */
export interface QueuedTicketValue {
  ticketNumber: string;
  issuedAt: Date;
  waitedMinutes: number;
  /** Checked in with an appointment (else a Category A walk-in). */
  withAppointment: boolean;
}

/** A window now: the clerk at it and the ticket it is serving, if any. */
export interface WindowNowValue extends CounterWindowValue {
  ticketNumber: string | null;
  ticketStatus: 'CALLED' | 'SERVING' | null;
}

/** One ticket called today: when, and how long it had waited. */
export interface TicketWaitValue {
  calledAt: Date;
  waitMinutes: number;
}

/** Another counter a walk-in could go to instead. */
export interface NearbyCounterValue {
  counterId: string;
  distanceKm: number;
  expectedWaitMinutes: number;
  waiting: number;
  windowsOpen: number;
}

/** Everything the counter page shows, in one answer. */
export interface CounterTodayValue {
  counterId: string;
  date: string;
  /** Today's opening hours (HH:MM, Asia/Shanghai); empty on a closed day. */
  hours: { opens: string; closes: string }[];
  load: CounterLoadValue;
  expectedWaitMinutes: number | null;
  averageServiceMinutesToday: number | null;
  queue: QueuedTicketValue[];
  windows: WindowNowValue[];
  waits: TicketWaitValue[];
  /** When each counter-wait breach of today fell due, oldest first. */
  breachTimes: Date[];
  nearest: NearbyCounterValue[];
}

/** Service minutes assumed before a counter has completed a visit today. */
export const DEFAULT_SERVICE_MINUTES = 15;
/** How many nearby counters the page suggests. */
export const NEAREST_COUNT = 3;

/**
 * A counter's expected wait for someone checking in now: the people ahead, served by the
 * windows open, at today's average service time. Null when the counter is closed or nobody is
 * at a window (no wait can be promised there).
 */
export function expectedWaitMinutes(
  load: Pick<CounterLoadValue, 'open' | 'waiting' | 'windowsOpen'>,
  serviceMinutes: number | null,
): number | null {
  if (!load.open || load.windowsOpen <= 0) return null;
  return Math.round((load.waiting * (serviceMinutes ?? DEFAULT_SERVICE_MINUTES)) / load.windowsOpen);
}

/** Great-circle distance in km (haversine; the counters are a few tens of km apart). */
export function distanceKm(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const dLat = rad(b[0] - a[0]);
  const dLon = rad(b[1] - a[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/**
 * The nearest counters (by distance) where a walk-in would wait less than here; counters without
 * a location, closed or unstaffed are never suggested.
 */
export function nearestShorter(
  here: { location: readonly [number, number] | null; expectedWaitMinutes: number | null },
  others: readonly {
    counterId: string;
    location: readonly [number, number] | null;
    expectedWaitMinutes: number | null;
    waiting: number;
    windowsOpen: number;
  }[],
  count = NEAREST_COUNT,
): NearbyCounterValue[] {
  if (!here.location) return [];
  const from = here.location;
  return others
    .filter(
      (o): o is typeof o & { location: readonly [number, number]; expectedWaitMinutes: number } =>
        o.location !== null &&
        o.expectedWaitMinutes !== null &&
        (here.expectedWaitMinutes === null || o.expectedWaitMinutes < here.expectedWaitMinutes),
    )
    .map((o) => ({
      counterId: o.counterId,
      distanceKm: Math.round(distanceKm(from, o.location) * 10) / 10,
      expectedWaitMinutes: o.expectedWaitMinutes,
      waiting: o.waiting,
      windowsOpen: o.windowsOpen,
    }))
    .sort((a, b) => a.distanceKm - b.distanceKm || a.expectedWaitMinutes - b.expectedWaitMinutes)
    .slice(0, count);
}

interface TodayRow {
  queue: { ticketNumber: string; issuedAt: string; withAppointment: boolean }[];
  at_windows: { window: number; ticketNumber: string; status: 'CALLED' | 'SERVING' }[];
  waits: { calledAt: string; waitMinutes: number }[];
  breaches: string[];
}

/** The counter page's data: the counter now, its day, and where else a walk-in could go. */
export class CounterTodayService {
  constructor(
    private readonly rt: Pick<SubgraphRuntime, 'ds' | 'clock'>,
    private readonly counters: CounterService,
    private readonly load: CounterLoadService,
    private readonly windows: CounterWindowService,
  ) {}

  /** NOT_FOUND for an unknown counter. */
  async today(counterId: string): Promise<CounterTodayValue> {
    const counter = await this.counters.get(counterId);
    const now = this.rt.clock.now();
    const date = shanghaiDate(now);
    const dayStart = shanghaiDayStart(date);
    const [schedule, city, windows, service, rows] = await Promise.all([
      this.counters.scheduleAt(counter, now),
      this.load.city(),
      this.windows.list(counterId),
      this.serviceMinutes(date),
      this.rt.ds.query(
        `SELECT
           coalesce((SELECT json_agg(json_build_object('ticketNumber', t.ticket_number, 'issuedAt', t.issued_at,
               'withAppointment', t.appointment_id IS NOT NULL) ORDER BY t.seq)
             FROM cs.ticket t WHERE t.counter_id = $1 AND t.service_date = $2 AND t.status = 'WAITING'), '[]'::json) AS queue,
           coalesce((SELECT json_agg(json_build_object('window', t.window_number, 'ticketNumber', t.ticket_number, 'status', t.status))
             FROM cs.ticket t WHERE t.counter_id = $1 AND t.service_date = $2 AND t.status IN ('CALLED', 'SERVING')), '[]'::json) AS at_windows,
           coalesce((SELECT json_agg(json_build_object('calledAt', t.called_at,
               'waitMinutes', round((extract(epoch FROM t.called_at - t.issued_at) / 60)::numeric, 1)) ORDER BY t.called_at)
             FROM cs.ticket t WHERE t.counter_id = $1 AND t.service_date = $2 AND t.called_at IS NOT NULL), '[]'::json) AS waits,
           coalesce((SELECT json_agg(b.breached_at ORDER BY b.breached_at)
             FROM cs.sla_breach b WHERE b.counter_id = $1 AND b.kind = 'COUNTER_WAIT'
               AND b.breached_at >= $3 AND b.breached_at < $3::timestamptz + interval '1 day'), '[]'::json) AS breaches`,
        [counterId, date, dayStart],
      ) as Promise<TodayRow[]>,
    ]);
    const row = rows[0]!;
    const load = city.counters.find((c) => c.counterId === counterId)!;
    const locations = await this.locations();
    const expected = expectedWaitMinutes(load, service.get(counterId) ?? null);
    const atWindow = new Map(row.at_windows.map((w) => [w.window, w]));
    return {
      counterId,
      date,
      hours: schedule.intervals.map((i) => ({ opens: formatHhmm(i.opens), closes: formatHhmm(i.closes) })),
      load,
      expectedWaitMinutes: expected,
      averageServiceMinutesToday: service.get(counterId) ?? null,
      queue: row.queue.map((q) => {
        const issuedAt = new Date(q.issuedAt);
        return {
          ticketNumber: q.ticketNumber,
          issuedAt,
          waitedMinutes: Math.max(0, Math.round((now.getTime() - issuedAt.getTime()) / 60_000)),
          withAppointment: q.withAppointment,
        };
      }),
      windows: windows.map((w) => ({
        ...w,
        ticketNumber: atWindow.get(w.window)?.ticketNumber ?? null,
        ticketStatus: atWindow.get(w.window)?.status ?? null,
      })),
      waits: row.waits.map((w) => ({ calledAt: new Date(w.calledAt), waitMinutes: Number(w.waitMinutes) })),
      breachTimes: row.breaches.map((b) => new Date(b)),
      nearest: nearestShorter(
        { location: locations.get(counterId) ?? null, expectedWaitMinutes: expected },
        city.counters
          .filter((c) => c.counterId !== counterId)
          .map((c) => ({
            counterId: c.counterId,
            location: locations.get(c.counterId) ?? null,
            expectedWaitMinutes: expectedWaitMinutes(c, service.get(c.counterId) ?? null),
            waiting: c.waiting,
            windowsOpen: c.windowsOpen,
          })),
      ),
    };
  }

  /** Today's average service time (call → completion of the visits done) per counter. */
  private async serviceMinutes(date: string): Promise<Map<string, number>> {
    const rows: { counter_id: string; minutes: number }[] = await this.rt.ds.query(
      `SELECT counter_id, avg(extract(epoch FROM completed_at - called_at) / 60)::float8 AS minutes
         FROM cs.ticket WHERE service_date = $1 AND status = 'DONE' AND called_at IS NOT NULL AND completed_at IS NOT NULL
        GROUP BY counter_id`,
      [date],
    );
    return new Map(rows.map((r) => [r.counter_id, Math.round(r.minutes * 10) / 10]));
  }

  private async locations(): Promise<Map<string, readonly [number, number] | null>> {
    const rows: { id: string; latitude: number | null; longitude: number | null }[] = await this.rt.ds.query(
      `SELECT id, latitude, longitude FROM cs.service_counter`,
    );
    return new Map(
      rows.map((r) => [
        r.id,
        r.latitude === null || r.longitude === null ? null : ([r.latitude, r.longitude] as const),
      ]),
    );
  }
}
