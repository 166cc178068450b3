import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../../../context.js';
import { MonthlyReport } from './report.type.js';

@Resolver(() => MonthlyReport)
export class ReportResolver {
  @Query(() => MonthlyReport, {
    description:
      'MANAGER, officers and clerks: the monthly report (YYYY-MM, Asia/Shanghai): SLA compliance per clock kind and per counter, throughput per counter and day.',
  })
  async monthlyReport(
    @Arg('month', () => String) month: string,
    @Ctx() ctx: CounterSchedulingContext,
  ): Promise<MonthlyReport> {
    assertCan(ctx.actor, 'load.read');
    const r = await ctx.ops.report.monthly(month);
    const withRate = <T extends { met: number; breached: number }>(x: T): T & { compliance: number | null } => ({
      ...x,
      compliance: x.met + x.breached ? x.met / (x.met + x.breached) : null,
    });
    return { ...r, slaByKind: r.slaByKind.map(withRate), slaByCounter: r.slaByCounter.map(withRate) };
  }
}
