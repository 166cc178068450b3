import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { ResidencePermitContext } from '../context.js';
import { CaseRef, ResidencePermit } from './residence-permit.type.js';

@Resolver(() => CaseRef)
export class CaseResidencePermitResolver {
  @FieldResolver(() => ResidencePermit, { nullable: true, description: 'The residence-permit application; null if not visible or not created yet.' })
  async residencePermit(@Root() root: CaseRef, @Ctx() ctx: ResidencePermitContext): Promise<ResidencePermit | null> {
    assertCan(ctx.actor, 'case.read');
    return ctx.loaders.permitByCaseId.load(root.id);
  }
}
