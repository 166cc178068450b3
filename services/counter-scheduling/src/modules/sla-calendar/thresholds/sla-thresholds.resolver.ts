import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { assertCan, type RequestContext } from '@onestop/common';
import type { SlaThresholdsService } from './sla-thresholds.service.js';
import { SlaThresholdsInput } from './dto/sla-thresholds.input.js';
import { SlaThresholdsType } from './sla-thresholds.type.js';

/** What the thresholds need of the request context. */
export interface SlaThresholdsContext extends RequestContext {
  slaCalendar: { thresholds: SlaThresholdsService };
}

@Resolver(() => SlaThresholdsType)
export class SlaThresholdsResolver {
  @Query(() => SlaThresholdsType, { description: 'The configured SLA thresholds.' })
  async slaThresholds(@Ctx() ctx: SlaThresholdsContext): Promise<SlaThresholdsType> {
    assertCan(ctx.actor, 'sla.read');
    return ctx.slaCalendar.thresholds.get();
  }

  @Mutation(() => SlaThresholdsType, {
    description:
      'MANAGER: changes the counter wait, the passport custody limit or the warning points. Applies to clocks started afterwards; running clocks keep theirs.',
  })
  async updateSlaThresholds(
    @Arg('input', () => SlaThresholdsInput) input: SlaThresholdsInput,
    @Ctx() ctx: SlaThresholdsContext,
  ): Promise<SlaThresholdsType> {
    assertCan(ctx.actor, 'sla.configure');
    return ctx.slaCalendar.thresholds.update(ctx.actor, {
      counterWaitMinutes: input.counterWaitMinutes ?? undefined,
      passportCustodyWorkingDays: input.passportCustodyWorkingDays ?? undefined,
      warningPercents: input.warningPercents ?? undefined,
    });
  }
}
