import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../context.js';
import { SlaThresholdsInput } from './dto/sla-thresholds.input.js';
import { SlaThresholdsType } from './sla-thresholds.type.js';

@Resolver(() => SlaThresholdsType)
export class SlaThresholdsResolver {
  @Query(() => SlaThresholdsType, { description: 'The configured SLA thresholds.' })
  async slaThresholds(@Ctx() ctx: CounterSchedulingContext): Promise<SlaThresholdsType> {
    assertCan(ctx.actor, 'sla.read');
    return ctx.sla.thresholds.get();
  }

  @Mutation(() => SlaThresholdsType, {
    description:
      'MANAGER: changes the counter wait, the passport custody limit or the warning points. Applies to clocks started afterwards; running clocks keep theirs.',
  })
  async updateSlaThresholds(
    @Arg('input', () => SlaThresholdsInput) input: SlaThresholdsInput,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<SlaThresholdsType> {
    assertCan(ctx.actor, 'sla.configure');
    return ctx.sla.thresholds.update(ctx.actor, {
      counterWaitMinutes: input.counterWaitMinutes ?? undefined,
      passportCustodyWorkingDays: input.passportCustodyWorkingDays ?? undefined,
      warningPercents: input.warningPercents ?? undefined,
    });
  }
}
