import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type { ReportService } from './report.service.js';
import { MonthlyReport } from './report.type.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<{ report: ReportService }>;

@Resolver(() => MonthlyReport)
export class ReportResolver {
  @Query(() => MonthlyReport, {
    description:
      'MANAGER, officers and clerks: the monthly report (YYYY-MM, Asia/Shanghai): SLA compliance per clock kind and per counter, throughput per counter and day.',
  })
  async monthlyReport(@Arg('month', () => String) month: string, @Ctx() ctx: Ctx): Promise<MonthlyReport> {
    assertCan(ctx.actor, 'load.read');
    const r = await ctx.ops.report.monthly(month);
    const withRate = <T extends { met: number; breached: number }>(x: T): T & { compliance: number | null } => ({
      ...x,
      compliance: x.met + x.breached ? x.met / (x.met + x.breached) : null,
    });
    return { ...r, slaByKind: r.slaByKind.map(withRate), slaByCounter: r.slaByCounter.map(withRate) };
  }
}
