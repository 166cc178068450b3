import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CaseEntity } from '../case/case.entity.js';
import { Case } from '../case/case.type.js';
import type { AreaContext } from '../../shared/request-context.js';
import type { PreExaminationService } from './pre-examination.service.js';
import { PassPreExaminationInput, ReturnCaseInput } from './dto/pre-examination.input.js';

type PreExaminationContext = AreaContext<{ preExamination: PreExaminationService }>;

@Resolver(() => Case)
export class PreExaminationResolver {
  @Mutation(() => Case, { description: 'WP_OFFICER: passes the pre-examination of a SUBMITTED case.' })
  async passPreExamination(
    @Arg('input', () => PassPreExaminationInput) input: PassPreExaminationInput,
    @Ctx() ctx: PreExaminationContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'case.preExamine');
    return ctx.services.preExamination.pass(ctx.actor, input.caseId, input.note ?? null);
  }

  @Mutation(() => Case, {
    description:
      'WP_OFFICER: returns a SUBMITTED case with a one-time notification of every item to correct; its clock stops.',
  })
  async returnCase(
    @Arg('input', () => ReturnCaseInput) input: ReturnCaseInput,
    @Ctx() ctx: PreExaminationContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'case.preExamine');
    return ctx.services.preExamination.returnForCorrection(ctx.actor, input.caseId, input.items);
  }
}
