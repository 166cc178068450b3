import type { DataSource } from 'typeorm';
import {
  assertCan,
  assertNoProblems,
  decodeCursor,
  encodeCursor,
  pageSize,
  type Actor,
  type Clock,
  isUuid,
} from '@onestop/common';
import { AccessLogEntity } from './access-log.entity.js';

/** The field an access-log row of a search by passport number names. */
export const PASSPORT_SEARCH = 'search.passportNumber';

/** One read to log: which personal fields of which case. */
export interface PersonalRead {
  caseId: string;
  fields: string[];
}

export interface AccessLogPage {
  nodes: AccessLogEntity[];
  hasNextPage: boolean;
  cursorOf(e: AccessLogEntity): string;
}

/**
 * The personal-data access log (DOMAIN.md: every read of a full case by an officer is
 * written to an access log). Staff reads are written before the data leaves the subgraph:
 * if the log cannot be written, the read fails.
 */
export class AccessLogService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Writes one row per case, in one statement. */
  async record(actor: Actor, reads: readonly PersonalRead[]): Promise<void> {
    if (!reads.length) return;
    await this.ds.getRepository(AccessLogEntity).insert(
      reads.map((r) => ({
        actorId: actor.id,
        actorRole: actor.role,
        actorName: actor.name,
        caseId: r.caseId,
        at: this.clock.now(),
        fields: [...r.fields].sort(),
      })),
    );
  }

  /**
   * One view of a case's attachment through a signed URL: the actor is the one the URL was
   * issued to (the file endpoint has no token of its own), the field names the file and version.
   */
  async recordAs(actor: { id: string; role: string; name: string }, caseId: string, fields: string[]): Promise<void> {
    await this.ds.getRepository(AccessLogEntity).insert({
      actorId: actor.id,
      actorRole: actor.role,
      actorName: actor.name,
      caseId,
      at: this.clock.now(),
      fields,
    });
  }

  /**
   * A search by passport number: one row per case it found (field `search.passportNumber`),
   * or one row without a case when it found none: the search itself says whether that person
   * has a case here, so it is logged either way. The number searched for is not stored.
   */
  async recordPassportSearch(actor: Actor, foundCaseIds: readonly string[]): Promise<void> {
    const at = this.clock.now();
    const base = { actorId: actor.id, actorRole: actor.role, actorName: actor.name, at, fields: [PASSPORT_SEARCH] };
    await this.ds
      .getRepository(AccessLogEntity)
      .insert(foundCaseIds.length ? foundCaseIds.map((caseId) => ({ ...base, caseId })) : [{ ...base, caseId: null }]);
  }

  /**
   * A search (issue 13, item 5): like the passport search, one row per case it returned, or one
   * row without a case when it found none, each with the text searched for, so the log says who
   * searched for what.
   */
  async recordSearch(actor: Actor, field: string, text: string, foundCaseIds: readonly string[]): Promise<void> {
    const at = this.clock.now();
    const base = {
      actorId: actor.id,
      actorRole: actor.role,
      actorName: actor.name,
      at,
      fields: [field],
      searchText: text,
    };
    await this.ds
      .getRepository(AccessLogEntity)
      .insert(foundCaseIds.length ? foundCaseIds.map((caseId) => ({ ...base, caseId })) : [{ ...base, caseId: null }]);
  }

  /** The log, newest first, optionally for one case or one actor (MANAGER). */
  async list(
    actor: Actor | null,
    args: { caseId?: string | null; actorId?: string | null; first?: number | null; after?: string | null },
  ): Promise<AccessLogPage> {
    assertCan(actor, 'accessLog.read');
    const problems: string[] = [];
    const limit = pageSize(args.first, problems, 50);
    const cursor = decodeCursor(args.after, 1, problems);
    if (cursor && !/^[0-9]+$/.test(cursor[0]!)) problems.push('after is not a cursor of this list');
    if (args.caseId && !isUuid(args.caseId)) problems.push(`caseId ${args.caseId} is not a case id`);
    assertNoProblems('The access log cannot be read', problems);
    const qb = this.ds.getRepository(AccessLogEntity).createQueryBuilder('l').where('TRUE');
    if (args.caseId) qb.andWhere('l.caseId = :caseId', { caseId: args.caseId });
    if (args.actorId) qb.andWhere('l.actorId = :actorId', { actorId: args.actorId });
    if (cursor) qb.andWhere('l.id < :after', { after: cursor[0] });
    const rows = await qb
      .orderBy('l.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    return {
      nodes: rows.slice(0, limit),
      hasNextPage: rows.length > limit,
      cursorOf: (e) => encodeCursor([String(e.id)]),
    };
  }
}
