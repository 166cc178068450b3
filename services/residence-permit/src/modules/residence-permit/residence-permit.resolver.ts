import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type DataLoader from 'dataloader';
import { assertCan, type RequestContext } from '@onestop/common';
import { ResidencePermitFilter } from './dto/residence-permit-filter.input.js';
import type { ResidencePermitEntity } from './residence-permit.entity.js';
import type { ResidencePermitService } from './residence-permit.service.js';
import { CaseRef, ResidencePermit, ResidencePermitConnection } from './residence-permit.type.js';

/** What the permit resolvers need of the request context (context.ts provides it). */
export interface PermitsContext extends RequestContext {
  services: { permits: ResidencePermitService };
  loaders: {
    /** Scoped to the actor: a permit of another employer loads as null. */
    permitByCaseId: DataLoader<string, ResidencePermitEntity | null>;
  };
}

@Resolver(() => ResidencePermit)
export class ResidencePermitResolver {
  @Query(() => ResidencePermit, {
    nullable: true,
    description:
      'The residence permit of a case; null when there is none or it is not yours to see (agencies see only their employers).',
  })
  async residencePermit(
    @Arg('caseId', () => ID) caseId: string,
    @Ctx() ctx: PermitsContext,
  ): Promise<ResidencePermitEntity | null> {
    assertCan(ctx.actor, 'case.read');
    return ctx.loaders.permitByCaseId.load(caseId);
  }

  @Query(() => ResidencePermitConnection, {
    description: 'Residence permits, oldest filing first (Relay cursor pagination). Agencies see only their employers.',
  })
  async residencePermits(
    @Arg('filter', () => ResidencePermitFilter, { nullable: true }) filter: ResidencePermitFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: '1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: PermitsContext,
  ): Promise<ResidencePermitConnection> {
    assertCan(ctx.actor, 'case.read');
    const page = await ctx.services.permits.list(ctx.actor, filter, first, after);
    for (const e of page.edges) ctx.loaders.permitByCaseId.prime(e.node.caseId, e.node);
    return {
      edges: page.edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: after !== null && after !== undefined,
        startCursor: page.edges[0]?.cursor ?? null,
        endCursor: page.edges[page.edges.length - 1]?.cursor ?? null,
      },
    };
  }

  @FieldResolver(() => CaseRef, { description: 'The case (owned by work-permit).' })
  case(@Root() p: ResidencePermitEntity): CaseRef {
    return { id: p.caseId };
  }
}

@Resolver(() => CaseRef)
export class CaseResidencePermitResolver {
  @FieldResolver(() => ResidencePermit, {
    nullable: true,
    description: 'The residence-permit application; null if not visible or not created yet.',
  })
  async residencePermit(@Root() root: CaseRef, @Ctx() ctx: PermitsContext): Promise<ResidencePermitEntity | null> {
    assertCan(ctx.actor, 'case.read');
    return ctx.loaders.permitByCaseId.load(root.id);
  }
}
