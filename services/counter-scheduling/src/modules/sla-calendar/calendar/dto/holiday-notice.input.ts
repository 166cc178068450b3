import { Field, InputType, Int } from 'type-graphql';

@InputType('HolidaySpanInput')
export class HolidaySpanInput {
  @Field(() => String, { description: 'e.g. Spring Festival.' })
  name!: string;

  @Field(() => String, { description: 'First day off, YYYY-MM-DD.' })
  from!: string;

  @Field(() => String, { description: 'Last day off, YYYY-MM-DD (inclusive).' })
  to!: string;
}

@InputType('AdjustedWorkdayInput')
export class AdjustedWorkdayInput {
  @Field(() => String, { description: 'A Saturday or Sunday worked, YYYY-MM-DD.' })
  date!: string;

  @Field(() => String, { nullable: true, description: 'The holiday it makes up for.' })
  name?: string | null;
}

@InputType('HolidayNoticeInput', {
  description: "A year's State Council holiday notice (published each November for the next year).",
})
export class HolidayNoticeInput {
  @Field(() => Int)
  year!: number;

  @Field(() => [HolidaySpanInput])
  holidays!: HolidaySpanInput[];

  @Field(() => [AdjustedWorkdayInput], { description: 'Empty when the notice moves no weekend days.' })
  adjustedWorkdays!: AdjustedWorkdayInput[];
}
