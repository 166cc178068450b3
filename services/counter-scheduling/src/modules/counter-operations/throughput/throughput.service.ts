import { BadUserInputError, shanghaiDayStart, type SubgraphRuntime } from '@onestop/common';
import { dateProblems, type CounterService } from '../counter/counter.service.js';
import { checkText } from '../shared/input.js';

/** What a counter (or the city) got through in one hour. */
export interface HourlyThroughputValue {
  /** The start of the hour. */
  hour: Date;
  accepted: number;
  issued: number;
  claimed: number;
}

/**
 * One statement: the 24 hours of the day, and per hour the documents accepted (`cs.acceptance`),
 * the permits issued (`cs.permit_issue`, from the other subgraphs' events; a permit belongs to
 * the counter that accepted its case) and the claims recorded (`cs.claim`). Each source holds
 * one row per case (and permit), so nothing is ever counted twice; each is read by its time
 * index, one day's range at a time. Hours are 24 wall-clock hours from 00:00 Asia/Shanghai.
 */
export const THROUGHPUT_SQL = `
  WITH hours AS (
    SELECT h AS hour FROM generate_series($1::timestamptz, $1::timestamptz + interval '23 hours', interval '1 hour') AS h),
  acc AS (
    SELECT date_bin('1 hour', a.accepted_at, $1::timestamptz) AS hour, count(*)::int AS n
    FROM cs.acceptance a
    WHERE a.accepted_at >= $1::timestamptz AND a.accepted_at < $1::timestamptz + interval '24 hours'
      AND ($2::text IS NULL OR a.counter_id = $2::text)
    GROUP BY 1),
  iss AS (
    SELECT date_bin('1 hour', p.issued_at, $1::timestamptz) AS hour, count(*)::int AS n
    FROM cs.permit_issue p
    WHERE p.issued_at >= $1::timestamptz AND p.issued_at < $1::timestamptz + interval '24 hours'
      AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM cs.acceptance a WHERE a.case_id = p.case_id AND a.counter_id = $2::text))
    GROUP BY 1),
  clm AS (
    SELECT date_bin('1 hour', c.claimed_at, $1::timestamptz) AS hour, count(*)::int AS n
    FROM cs.claim c
    WHERE c.claimed_at >= $1::timestamptz AND c.claimed_at < $1::timestamptz + interval '24 hours'
      AND ($2::text IS NULL OR c.counter_id = $2::text)
    GROUP BY 1)
  SELECT hours.hour, coalesce(acc.n, 0) AS accepted, coalesce(iss.n, 0) AS issued, coalesce(clm.n, 0) AS claimed
  FROM hours
  LEFT JOIN acc ON acc.hour = hours.hour
  LEFT JOIN iss ON iss.hour = hours.hour
  LEFT JOIN clm ON clm.hour = hours.hour
  ORDER BY hours.hour`;

/** Throughput per hour for the city or one counter. */
export class ThroughputService {
  constructor(
    private readonly rt: Pick<SubgraphRuntime, 'ds'>,
    private readonly counters: CounterService,
  ) {}

  /**
   * The 24 hours of `date` (YYYY-MM-DD, Asia/Shanghai), city-wide or for one counter.
   * BAD_USER_INPUT for a date that is not one, NOT_FOUND for an unknown counter.
   */
  async hourly(date: string, counterId: string | null): Promise<HourlyThroughputValue[]> {
    const problems = dateProblems('date', date);
    if (counterId != null) checkText(problems, 'counterId', counterId, 100);
    if (problems.length) throw new BadUserInputError('The throughput query is not valid', problems);
    if (counterId != null) await this.counters.get(counterId);
    const rows: { hour: Date; accepted: number; issued: number; claimed: number }[] = await this.rt.ds.query(
      THROUGHPUT_SQL,
      [shanghaiDayStart(date), counterId],
    );
    return rows.map((r) => ({ hour: r.hour, accepted: r.accepted, issued: r.issued, claimed: r.claimed }));
  }
}
