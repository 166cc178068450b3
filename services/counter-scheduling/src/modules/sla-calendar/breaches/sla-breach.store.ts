import type { DataSource } from 'typeorm';
import type { SlaKind } from '@onestop/common/contract';

/** A breach as the list reads it (camelCase aliases of cs.sla_breach). */
export interface BreachRow {
  id: string;
  clockId: string;
  caseId: string;
  kind: SlaKind;
  category: string | null;
  counterId: string | null;
  dueAt: Date;
  breachedAt: Date;
  resolvedAt: Date | null;
}

/** The list's filter as the statement takes it (validated by the service). */
export interface BreachQuery {
  kind: SlaKind | null;
  counterId: string | null;
  category: string | null;
  open: boolean | null;
  /** The actor's employers (an agency), or null for every employer. */
  employerIds: string[] | null;
}

/** SQL of the breach list (`cs.sla_breach`, written by the clocks). */
export class SlaBreachStore {
  constructor(private readonly ds: DataSource) {}

  /** Up to `limit` breaches after the keyset position, newest first, and how many match in all. */
  async page(
    q: BreachQuery,
    after: { at: Date; id: string } | null,
    limit: number,
  ): Promise<{ rows: BreachRow[]; total: number }> {
    const where = `($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR counter_id = $2)
      AND ($3::text IS NULL OR category = $3)
      AND ($4::boolean IS NULL OR (resolved_at IS NULL) = $4)
      AND ($5::text[] IS NULL OR employer_id = ANY ($5))`;
    const params = [q.kind, q.counterId, q.category, q.open, q.employerIds];
    const [rows, count] = await Promise.all([
      this.ds.query(
        `SELECT id, clock_id AS "clockId", case_id AS "caseId", kind, category, counter_id AS "counterId",
                due_at AS "dueAt", breached_at AS "breachedAt", resolved_at AS "resolvedAt"
         FROM cs.sla_breach
         WHERE ${where} AND ($6::timestamptz IS NULL OR (breached_at, id) < ($6, $7::uuid))
         ORDER BY breached_at DESC, id DESC
         LIMIT $8`,
        [...params, after?.at ?? null, after?.id ?? null, limit],
      ) as Promise<BreachRow[]>,
      this.ds.query(`SELECT count(*)::int AS n FROM cs.sla_breach WHERE ${where}`, params) as Promise<{ n: number }[]>,
    ]);
    return { rows, total: count[0]?.n ?? 0 };
  }
}
