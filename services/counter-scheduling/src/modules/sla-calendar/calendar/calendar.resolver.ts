import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { assertCan, type RequestContext } from '@onestop/common';
import type { CalendarService } from './calendar.service.js';
import { HolidayNoticeInput } from './dto/holiday-notice.input.js';
import { CalendarDay, CalendarMonth, CalendarYear } from './calendar.type.js';

/** What the calendar needs of the request context. */
export interface CalendarContext extends RequestContext {
  slaCalendar: { calendar: CalendarService };
}

@Resolver()
export class CalendarResolver {
  @Query(() => CalendarMonth, { description: 'The working-day calendar of one month (Asia/Shanghai).' })
  calendarMonth(
    @Arg('year', () => Int) year: number,
    @Arg('month', () => Int, { description: '1 to 12.' }) month: number,
    @Ctx() ctx: CalendarContext,
  ): CalendarMonth {
    assertCan(ctx.actor, 'sla.read');
    return ctx.slaCalendar.calendar.month(year, month);
  }

  @Query(() => [CalendarYear], {
    description:
      'Which years have official data (bundled or loaded) and which are provisional: every official year, plus this year and the next two.',
  })
  async calendarYears(@Ctx() ctx: CalendarContext): Promise<CalendarYear[]> {
    assertCan(ctx.actor, 'sla.read');
    return ctx.slaCalendar.calendar.years();
  }

  @Mutation(() => CalendarYear, {
    description:
      "MANAGER: loads a year's State Council holiday notice. Open SLA deadlines in the years it touches are recomputed.",
  })
  async loadHolidayNotice(
    @Arg('notice', () => HolidayNoticeInput) notice: HolidayNoticeInput,
    @Ctx() ctx: CalendarContext,
  ): Promise<CalendarYear> {
    assertCan(ctx.actor, 'calendar.manage');
    return ctx.slaCalendar.calendar.loadNotice(ctx.actor, {
      year: notice.year,
      holidays: notice.holidays.map((h) => ({ name: h.name, from: h.from, to: h.to })),
      adjustedWorkdays: notice.adjustedWorkdays.map((a) => ({ date: a.date, name: a.name ?? null })),
    });
  }

  @Mutation(() => CalendarDay, { description: 'MANAGER: closes the one-stop service on a day (today or later).' })
  async addClosure(
    @Arg('date', () => String, { description: 'YYYY-MM-DD.' }) date: string,
    @Arg('name', () => String, { description: 'Why the service is closed.' }) name: string,
    @Ctx() ctx: CalendarContext,
  ): Promise<CalendarDay> {
    assertCan(ctx.actor, 'calendar.manage');
    return ctx.slaCalendar.calendar.addClosure(ctx.actor, date, name);
  }

  @Mutation(() => CalendarDay, { description: 'MANAGER: reopens a closed day (today or later).' })
  async removeClosure(
    @Arg('date', () => String, { description: 'YYYY-MM-DD.' }) date: string,
    @Ctx() ctx: CalendarContext,
  ): Promise<CalendarDay> {
    assertCan(ctx.actor, 'calendar.manage');
    return ctx.slaCalendar.calendar.removeClosure(ctx.actor, date);
  }
}
