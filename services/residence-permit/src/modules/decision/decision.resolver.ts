import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { assertCan, type RequestContext } from '@onestop/common';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import { ResidencePermit } from '../residence-permit/residence-permit.type.js';
import { IssueResidencePermitInput } from './dto/decision.input.js';
import { ResidencePermitDecision } from './decision.type.js';
import type { DecisionService } from './decision.service.js';

/** What the decision resolvers need of the request context (context.ts provides it). */
export interface DecisionContext extends RequestContext {
  services: { decisions: DecisionService };
}

@Resolver(() => ResidencePermit)
export class DecisionResolver {
  @Mutation(() => ResidencePermit, {
    description:
      'EE_OFFICER: issue the residence permit (after acceptance; a required face-to-face interview must be completed). Appends residence-permit.issued.',
  })
  async issueResidencePermit(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('input', () => IssueResidencePermitInput) input: IssueResidencePermitInput,
    @Ctx() ctx: DecisionContext,
  ): Promise<ResidencePermitEntity> {
    assertCan(ctx.actor, 'residencePermit.decide');
    return ctx.services.decisions.issue(ctx.actor, caseId, input);
  }

  @Mutation(() => ResidencePermit, {
    description:
      'EE_OFFICER: refuse the residence permit (after acceptance). Final: every later change is refused with FINAL_DECISION. Appends residence-permit.refused.',
  })
  async refuseResidencePermit(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('reasons', () => [String]) reasons: string[],
    @Ctx() ctx: DecisionContext,
  ): Promise<ResidencePermitEntity> {
    assertCan(ctx.actor, 'residencePermit.decide');
    return ctx.services.decisions.refuse(ctx.actor, caseId, reasons);
  }

  @FieldResolver(() => ResidencePermitDecision, { nullable: true, description: 'Null until Exit-Entry decides.' })
  decision(@Root() p: ResidencePermitEntity): ResidencePermitDecision | null {
    if ((p.status !== 'ISSUED' && p.status !== 'REFUSED') || !p.decidedAt) return null;
    return {
      outcome: p.status,
      permitNumber: p.permitNumber,
      validFrom: p.validFrom,
      validUntil: p.validUntil,
      reasons: p.refusalReasons ?? [],
      decidedBy: p.decidedBy ?? '',
      decidedByName: p.decidedByName ?? p.decidedBy ?? '',
      decidedAt: p.decidedAt,
    };
  }
}
