import {
  assertNoProblems,
  decodeCursor,
  employerScope,
  encodeCursor,
  isUuid,
  pageSize,
  type Actor,
  type CalendarStore,
  type Clock,
} from '@onestop/common';
import { heldLongerThanCutoff, MAX_HELD_WORKING_DAYS } from '../../shared/custody-rules.js';
import type { ResidencePermitFilter } from './dto/residence-permit-filter.input.js';
import type { ResidencePermitEntity } from './residence-permit.entity.js';
import type { PermitStore } from './residence-permit.store.js';

/** One page of the officers' list. */
export interface PermitPage {
  edges: { cursor: string; node: ResidencePermitEntity }[];
  hasNextPage: boolean;
}

/** Reads residence permits, always scoped to the actor. */
export class ResidencePermitService {
  constructor(
    private readonly permits: PermitStore,
    private readonly clock: Clock,
    private readonly calendar: CalendarStore,
  ) {}

  /** The permits of a batch of cases, dropping any outside the actor's scope (one statement). */
  async findByCaseIds(actor: Actor, caseIds: readonly string[]): Promise<Map<string, ResidencePermitEntity>> {
    const rows = await this.permits.byCaseIds(caseIds, employerScope(actor));
    return new Map(rows.map((r) => [r.caseId, r]));
  }

  /**
   * The officers' list, keyset-paginated on (submitted_at, id). The custody filter compares
   * with a cutoff instant computed from the working-day calendar, so it uses the index on
   * passport_held_since instead of a calendar computation per row.
   */
  async list(
    actor: Actor,
    filter: ResidencePermitFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<PermitPage> {
    const problems: string[] = [];
    const size = pageSize(first, problems);
    const cursor = decodeCursor(after, 2, problems);
    if (cursor && (Number.isNaN(Date.parse(cursor[0]!)) || !isUuid(cursor[1]!)))
      problems.push('after is not a cursor this list returned');
    const held = filter?.passportHeldLongerThanWorkingDays;
    if (held !== null && held !== undefined && (!Number.isInteger(held) || held < 0 || held > MAX_HELD_WORKING_DAYS)) {
      problems.push(
        `filter.passportHeldLongerThanWorkingDays must be a whole number from 0 to ${MAX_HELD_WORKING_DAYS}`,
      );
    }
    assertNoProblems('The list request is not valid', problems);

    const rows = await this.permits.page({
      employerIds: employerScope(actor),
      status: filter?.status,
      interviewPending: filter?.interviewPending,
      verificationOutstanding: filter?.verificationOutstanding,
      heldBefore:
        held !== null && held !== undefined
          ? heldLongerThanCutoff(this.calendar.calendar, this.clock.now(), held)
          : null,
      after: cursor ? { submittedAt: new Date(cursor[0]!), id: cursor[1]! } : null,
      limit: size + 1,
    });
    const page = rows.slice(0, size);
    return {
      edges: page.map((node) => ({ cursor: encodeCursor([node.submittedAt.toISOString(), node.id]), node })),
      hasNextPage: rows.length > size,
    };
  }
}
