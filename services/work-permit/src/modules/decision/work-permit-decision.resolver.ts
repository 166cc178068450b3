import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CaseEntity } from '../case/case.entity.js';
import { Case } from '../case/case.type.js';
import type { AreaContext } from '../../shared/request-context.js';
import type { WorkPermitDecisionService } from './work-permit-decision.service.js';
import { IssueWorkPermitInput, RefuseWorkPermitInput } from './dto/work-permit-decision.input.js';

type DecisionContext = AreaContext<{ decisions: WorkPermitDecisionService }>;

@Resolver(() => Case)
export class WorkPermitDecisionResolver {
  @Mutation(() => Case, { description: 'WP_OFFICER: issues the work permit of an ACCEPTED case (once).' })
  async issueWorkPermit(
    @Arg('input', () => IssueWorkPermitInput) input: IssueWorkPermitInput,
    @Ctx() ctx: DecisionContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'workPermit.decide');
    return ctx.services.decisions.issue(ctx.actor, input.caseId, {
      permitNumber: input.permitNumber,
      validUntil: input.validUntil,
    });
  }

  @Mutation(() => Case, {
    description: 'WP_OFFICER: refuses the work permit of an ACCEPTED case (once), with reasons.',
  })
  async refuseWorkPermit(
    @Arg('input', () => RefuseWorkPermitInput) input: RefuseWorkPermitInput,
    @Ctx() ctx: DecisionContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'workPermit.decide');
    return ctx.services.decisions.refuse(ctx.actor, input.caseId, input.reasons);
  }
}
