import {
  assertNoProblems,
  decodeCursor,
  encodeCursor,
  pageSize,
  employerScope,
  type Actor,
  isUuid,
} from '@onestop/common';
import { type SlaKind } from '@onestop/common/contract';
import { categoryProblems } from '../clocks/sla-filters.js';
import type { BreachRow, SlaBreachStore } from './sla-breach.store.js';
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
  constructor(private readonly store: SlaBreachStore) {}

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
    const { rows, total } = await this.store.page(
      {
        kind: filter.kind ?? null,
        counterId: filter.counterId ?? null,
        category: filter.category ?? null,
        open: filter.open ?? null,
        employerIds: scope ? [...scope] : null,
      },
      cursor,
      size + 1,
    );
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
      totalCount: total,
    };
  }
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

/** The keyset position (breached_at, id) of a decoded cursor. */
function toKeyset(parts: string[] | null, problems: string[]): { at: Date; id: string } | null {
  if (!parts) return null;
  const at = new Date(parts[0]!);
  if (Number.isNaN(at.getTime()) || !isUuid(parts[1]!)) {
    problems.push('after is not a cursor this list returned');
    return null;
  }
  return { at, id: parts[1]! };
}
