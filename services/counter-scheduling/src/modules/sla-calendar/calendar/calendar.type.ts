import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { DayKind } from '@onestop/common';

export const CalendarDayKindEnum = {
  WORKDAY: 'WORKDAY',
  WEEKEND: 'WEEKEND',
  HOLIDAY: 'HOLIDAY',
  ADJUSTED_WORKDAY: 'ADJUSTED_WORKDAY',
  CLOSURE: 'CLOSURE',
} as const satisfies { [K in DayKind]: K };
registerEnumType(CalendarDayKindEnum, {
  name: 'CalendarDayKind',
  valuesConfig: {
    WORKDAY: { description: 'Monday to Friday, working.' },
    WEEKEND: { description: 'Saturday or Sunday, not working.' },
    HOLIDAY: { description: 'A public holiday of the State Council notice.' },
    ADJUSTED_WORKDAY: { description: 'A Saturday or Sunday worked in exchange for a holiday (调休).' },
    CLOSURE: { description: 'A day the one-stop service is closed (added by a manager).' },
  },
});

/** Where a year's official data comes from. */
export const CalendarYearSourceEnum = { BUNDLED: 'BUNDLED', LOADED: 'LOADED', NONE: 'NONE' } as const;
export type CalendarYearSource = keyof typeof CalendarYearSourceEnum;
registerEnumType(CalendarYearSourceEnum, {
  name: 'CalendarYearSource',
  valuesConfig: {
    BUNDLED: { description: 'Shipped with the chinese-days package.' },
    LOADED: { description: 'A State Council notice loaded by a manager (it overrides bundled data).' },
    NONE: { description: 'No official data: Monday to Friday are assumed working, deadlines are provisional.' },
  },
});

@ObjectType('CalendarDay', { description: 'One day of the working-day calendar (Asia/Shanghai).' })
export class CalendarDay {
  @Field(() => String, { description: 'YYYY-MM-DD.' })
  date!: string;

  @Field(() => CalendarDayKindEnum)
  kind!: DayKind;

  @Field(() => Boolean)
  working!: boolean;

  @Field(() => String, { nullable: true, description: 'The holiday or closure name.' })
  name!: string | null;

  @Field(() => Boolean, { description: 'The year has no official notice yet: this day may still change.' })
  provisional!: boolean;
}

@ObjectType('CalendarMonth')
export class CalendarMonth {
  @Field(() => Int)
  year!: number;

  @Field(() => Int)
  month!: number;

  @Field(() => Boolean, { description: 'The year has no official notice yet.' })
  provisional!: boolean;

  @Field(() => Int)
  workingDays!: number;

  @Field(() => [CalendarDay])
  days!: CalendarDay[];
}

@ObjectType('CalendarYear')
export class CalendarYear {
  @Field(() => Int)
  year!: number;

  @Field(() => Boolean, { description: 'The State Council notice for the year is known (bundled or loaded).' })
  official!: boolean;

  @Field(() => Boolean, { description: 'Not official: deadlines in this year are provisional.' })
  provisional!: boolean;

  @Field(() => CalendarYearSourceEnum)
  source!: CalendarYearSource;

  @Field(() => Date, { nullable: true })
  loadedAt!: Date | null;

  @Field(() => String, { nullable: true })
  loadedBy!: string | null;
}
