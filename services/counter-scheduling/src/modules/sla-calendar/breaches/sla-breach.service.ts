import type { DataSource } from 'typeorm';
import { assertNoProblems, decodeCursor, encodeCursor, pageSize, employerScope, type Actor } from '@onestop/common';
import { type SlaKind } from '@onestop/common/contract';
import { categoryProblems } from '../clocks/sla-filters.js';
import type { SlaBreach, SlaBreachConnection } from './sla-breach.type.js';

export interface SlaBreachFilter {
  kind?: SlaKind | null;
  counterId?: string | null;
  category?: string | null;
  open?: boolean | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** The list of SLA breaches, scoped to what the actor may see. */
export class SlaBreachService {
  constructor(private readonly ds: DataSource) {}

  /**
   * Breaches, newest first, keyset-paginated on (breached_at, id).
   * @throws BadUserInputError listing every problem with the arguments.
   */
  async breaches(
    actor: Actor,
    filter: SlaBreachFilter,
    first: number = DEFAULT_PAGE_SIZE,
    after?: string | null,
  ): Promise<SlaBreachConnection> {
    const problems = categoryProblems(filter.category);
    const size = pageSize(first, problems, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const cursor = toKeyset(decodeCursor(after, 2, problems), problems);
    assertNoProblems('Cannot list SLA breaches', problems);
    const scope = employerScope(actor);
    const where = `($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR counter_id = $2)
      AND ($3::text IS NULL OR category = $3)
      AND ($4::boolean IS NULL OR (resolved_at IS NULL) = $4)
      AND ($5::text[] IS NULL OR employer_id = ANY ($5))`;
    const params = [
      filter.kind ?? null,
      filter.counterId ?? null,
      filter.category ?? null,
      filter.open ?? null,
      scope ? [...scope] : null,
    ];
    const [rows, count] = await Promise.all([
      this.ds.query(
        `SELECT id, clock_id AS "clockId", case_id AS "caseId", kind, category, counter_id AS "counterId",
                due_at AS "dueAt", breached_at AS "breachedAt", resolved_at AS "resolvedAt"
         FROM cs.sla_breach
         WHERE ${where} AND ($6::timestamptz IS NULL OR (breached_at, id) < ($6, $7::uuid))
         ORDER BY breached_at DESC, id DESC
         LIMIT $8`,
        [...params, cursor?.at ?? null, cursor?.id ?? null, size + 1],
      ) as Promise<BreachRow[]>,
      this.ds.query(`SELECT count(*)::int AS n FROM cs.sla_breach WHERE ${where}`, params) as Promise<{ n: number }[]>,
    ]);
    const page = rows.slice(0, size);
    const edges = page.map((r) => ({ cursor: encodeCursor([r.breachedAt.toISOString(), r.id]), node: toSlaBreach(r) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: count[0]?.n ?? 0,
    };
  }
}

interface BreachRow {
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

function toSlaBreach(r: BreachRow): SlaBreach {
  return {
    id: r.id,
    clockId: r.clockId,
    case: { id: r.caseId },
    kind: r.kind,
    category: r.category,
    counterId: r.counterId,
    dueAt: r.dueAt,
    breachedAt: r.breachedAt,
    resolvedAt: r.resolvedAt,
    open: r.resolvedAt === null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The keyset position (breached_at, id) of a decoded cursor. */
function toKeyset(parts: string[] | null, problems: string[]): { at: Date; id: string } | null {
  if (!parts) return null;
  const at = new Date(parts[0]!);
  if (Number.isNaN(at.getTime()) || !UUID.test(parts[1]!)) {
    problems.push('after is not a cursor this list returned');
    return null;
  }
  return { at, id: parts[1]! };
}
