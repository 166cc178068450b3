import { BadUserInputError, shanghaiDayStart, type Clock, type SubgraphRuntime } from '@onestop/common';
import { type SlaKind } from '@onestop/common/contract';

/** A month as the API takes it: YYYY-MM. */
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** How one kind of clock did in a month, city-wide (counterId null) or at one counter. */
export interface SlaComplianceValue {
  kind: SlaKind;
  counterId: string | null;
  met: number;
  breached: number;
}

/** What one counter got through on one day (Asia/Shanghai). */
export interface DailyThroughputValue {
  date: string;
  counterId: string;
  accepted: number;
  issued: number;
  claimed: number;
}

export interface MonthlyReportValue {
  month: string;
  from: Date;
  to: Date;
  /** The business time the report was made at: clocks due after it are not counted yet. */
  asOf: Date;
  slaByKind: SlaComplianceValue[];
  slaByCounter: SlaComplianceValue[];
  throughput: DailyThroughputValue[];
}

/**
 * Each clock counts once, in the month its outcome became known: MET in the month it stopped
 * on time, BREACHED in the month it fell due without having stopped by then (a late stop next
 * month does not count it again). Cancelled clocks (withdrawn cases) count nowhere; clocks
 * not yet due count nowhere. One scan of the month's clocks, grouped twice.
 */
export const SLA_COMPLIANCE_SQL = `
  WITH outcome AS (
    SELECT kind, counter_id,
           CASE WHEN stopped_at IS NOT NULL AND stopped_at <= due_at THEN 'MET' ELSE 'BREACHED' END AS outcome
    FROM cs.sla_clock
    WHERE state <> 'CANCELLED'
      AND ((stopped_at >= $1 AND stopped_at < $2 AND stopped_at <= due_at)
        OR (due_at >= $1 AND due_at < $2 AND due_at <= $3 AND (stopped_at IS NULL OR stopped_at > due_at))))
  SELECT kind, counter_id AS "counterId", GROUPING(counter_id) = 1 AS city,
         count(*) FILTER (WHERE outcome = 'MET')::int AS met,
         count(*) FILTER (WHERE outcome = 'BREACHED')::int AS breached
  FROM outcome
  GROUP BY GROUPING SETS ((kind), (kind, counter_id))
  ORDER BY kind, counter_id NULLS FIRST`;

/**
 * Per counter and Shanghai day: documents accepted, permits issued (attributed to the counter
 * that accepted the case, as the hourly throughput does) and claims recorded. Days with nothing
 * at a counter are left out.
 */
export const DAILY_THROUGHPUT_SQL = `
  WITH acc AS (
    SELECT to_char(a.accepted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS date, a.counter_id, count(*)::int AS n
    FROM cs.acceptance a WHERE a.accepted_at >= $1 AND a.accepted_at < $2 GROUP BY 1, 2),
  iss AS (
    SELECT to_char(p.issued_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS date, a.counter_id, count(*)::int AS n
    FROM cs.permit_issue p JOIN cs.acceptance a ON a.case_id = p.case_id
    WHERE p.issued_at >= $1 AND p.issued_at < $2 GROUP BY 1, 2),
  clm AS (
    SELECT to_char(c.claimed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS date, c.counter_id, count(*)::int AS n
    FROM cs.claim c WHERE c.claimed_at >= $1 AND c.claimed_at < $2 GROUP BY 1, 2)
  SELECT date, counter_id AS "counterId",
         coalesce(acc.n, 0) AS accepted, coalesce(iss.n, 0) AS issued, coalesce(clm.n, 0) AS claimed
  FROM acc FULL JOIN iss USING (date, counter_id) FULL JOIN clm USING (date, counter_id)
  ORDER BY date, counter_id`;

/** The month's first instant and the next month's, Asia/Shanghai. */
export function monthRange(month: string): { from: Date; to: Date } | null {
  const m = MONTH.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { from: shanghaiDayStart(`${month}-01`), to: shanghaiDayStart(`${next}-01`) };
}

/** The monthly report (issue 13, item 7): SLA compliance and throughput, no personal data. */
export class ReportService {
  constructor(
    private readonly rt: Pick<SubgraphRuntime, 'ds'>,
    private readonly clock: Clock,
  ) {}

  /** BAD_USER_INPUT for a month that is not YYYY-MM. */
  async monthly(month: string): Promise<MonthlyReportValue> {
    const range = typeof month === 'string' ? monthRange(month.trim()) : null;
    if (!range) throw new BadUserInputError('The monthly report cannot be made', [`month ${month} is not YYYY-MM`]);
    const asOf = this.clock.now();
    const [sla, throughput] = await Promise.all([
      this.rt.ds.query(SLA_COMPLIANCE_SQL, [range.from, range.to, asOf]) as Promise<
        (SlaComplianceValue & { city: boolean })[]
      >,
      this.rt.ds.query(DAILY_THROUGHPUT_SQL, [range.from, range.to]) as Promise<DailyThroughputValue[]>,
    ]);
    const row = (r: SlaComplianceValue & { city: boolean }): SlaComplianceValue => ({
      kind: r.kind,
      counterId: r.city ? null : r.counterId,
      met: r.met,
      breached: r.breached,
    });
    return {
      month: month.trim(),
      ...range,
      asOf,
      slaByKind: sla.filter((r) => r.city).map(row),
      // Pre-examination clocks belong to no counter.
      slaByCounter: sla.filter((r) => !r.city && r.counterId != null).map(row),
      throughput,
    };
  }
}
