import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type DataLoader from 'dataloader';
import type { AreaContext } from '../../shared/request-context.js';
import type { AccessLogService } from './access-log.service.js';
import { AccessLogConnection, AccessLogEntry } from './access-log.type.js';

/** The loaders of the access-log area (built per request in context.ts). */
export interface AccessLogLoaders {
  /** Records a staff read of a personal field (key: caseId + "\n" + field); resolves once the access log row is written. */
  personalRead: DataLoader<string, true>;
}
type AccessLogContext = AreaContext<{ accessLog: AccessLogService }>;

@Resolver(() => AccessLogEntry)
export class AccessLogResolver {
  @Query(() => AccessLogConnection, {
    description: 'MANAGER: who read which case’s personal data, when; newest first.',
  })
  async caseAccessLog(
    @Ctx() ctx: AccessLogContext,
    @Arg('caseId', () => ID, { nullable: true }) caseId?: string | null,
    @Arg('actorId', () => String, { nullable: true }) actorId?: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<AccessLogConnection> {
    assertCan(ctx.actor, 'accessLog.read');
    const page = await ctx.services.accessLog.list(ctx.actor, { caseId, actorId, first, after });
    const edges = page.nodes.map((node) => ({ cursor: page.cursorOf(node), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
