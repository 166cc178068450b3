import { BadUserInputError, shanghaiDayEnd, shanghaiDayStart, type SubgraphRuntime } from '@onestop/common';
import { dateProblems } from '../counter/counter.service.js';

/** The city's load at one instant. */
export interface LoadSampleValue {
  at: Date;
  waiting: number;
  beingServed: number;
}

/** The sample spacing `cityLoadHistory` accepts, in minutes. */
export const HISTORY_BUCKET_MINUTES = { min: 5, max: 240 } as const;

const MINUTE_MS = 60_000;

/**
 * How many samples a day gets: one every `bucketMinutes` from 00:00, up to `now` for today,
 * through the whole day for a past day, none for a day still to come.
 */
export function historySampleCount(date: string, bucketMinutes: number, now: Date): number {
  const start = shanghaiDayStart(date).getTime();
  const end = Math.min(now.getTime(), shanghaiDayEnd(date).getTime() - 1);
  if (end < start) return 0;
  return Math.floor((end - start) / (bucketMinutes * MINUTE_MS)) + 1;
}

/**
 * The city load over a day in ONE statement. Each ticket of the day contributes steps: +1
 * waiting at check-in, −1 waiting when called (or when left unserved at closing, or taken out
 * of the queue because the agency withdrew the case), +1 being
 * served when called, −1 when its service completed (or it was marked missed). Each step is
 * binned to the first sample at or after it, and a running sum over the samples
 * (`generate_series`) gives, at each sample t:
 *
 * - waiting = issued ≤ t and not called by t (and not left unserved or withdrawn by t);
 * - beingServed = called ≤ t and not completed by t: called to a window or being served,
 *   the same figure as the live `CounterLoad.beingServed`, so live points continue the line.
 *
 * O(tickets + samples), whatever the bucket: no ticket × sample join.
 */
export const LOAD_HISTORY_SQL = `
  WITH steps AS (
    SELECT greatest(0, ceil(extract(epoch FROM s.at - $1::timestamptz) / ($2::int * 60)))::int AS k,
      s.waiting, s.serving
    FROM cs.ticket t
    CROSS JOIN LATERAL (VALUES
      (t.issued_at, 1, 0),
      (coalesce(t.called_at, CASE WHEN t.status IN ('UNSERVED', 'WITHDRAWN') THEN t.completed_at END), -1, 0),
      (t.called_at, 0, 1),
      (CASE WHEN t.called_at IS NOT NULL THEN t.completed_at END, 0, -1)
    ) AS s(at, waiting, serving)
    WHERE t.service_date = $4::date AND s.at IS NOT NULL),
  binned AS (
    SELECT k, sum(waiting)::int AS waiting, sum(serving)::int AS serving FROM steps GROUP BY k)
  SELECT $1::timestamptz + make_interval(mins => $2::int * g.k) AS at,
    (sum(coalesce(b.waiting, 0)) OVER (ORDER BY g.k))::int AS waiting,
    (sum(coalesce(b.serving, 0)) OVER (ORDER BY g.k))::int AS "beingServed"
  FROM generate_series(0, $3::int - 1) AS g(k)
  LEFT JOIN binned b ON b.k = g.k
  ORDER BY g.k`;

/** The city load over a day, from that day's tickets. */
export class LoadHistoryService {
  constructor(private readonly rt: Pick<SubgraphRuntime, 'ds' | 'clock'>) {}

  /** BAD_USER_INPUT for a date that is not one or a bucket outside 5–240 minutes. */
  async city(date: string, bucketMinutes: number): Promise<LoadSampleValue[]> {
    const problems = dateProblems('date', date);
    const { min, max } = HISTORY_BUCKET_MINUTES;
    if (!Number.isInteger(bucketMinutes) || bucketMinutes < min || bucketMinutes > max) {
      problems.push(`bucketMinutes must be a whole number from ${min} to ${max}, got ${bucketMinutes}`);
    }
    if (problems.length) throw new BadUserInputError('The load history query is not valid', problems);
    const samples = historySampleCount(date, bucketMinutes, this.rt.clock.now());
    if (!samples) return [];
    return this.rt.ds.query(LOAD_HISTORY_SQL, [shanghaiDayStart(date), bucketMinutes, samples, date]);
  }
}
