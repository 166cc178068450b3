import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('SlaThresholds', {
  description: 'The thresholds a MANAGER configures. A change applies to clocks started afterwards.',
})
export class SlaThresholdsType {
  @Field(() => Int, { description: 'Counter wait allowed, in minutes of wall time.' })
  counterWaitMinutes!: number;

  @Field(() => Int, { description: 'Passport custody allowed, in working days, before the alert.' })
  passportCustodyWorkingDays!: number;

  @Field(() => [Int], { description: 'Warnings, as ascending percentages of the allowed time.' })
  warningPercents!: number[];

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;

  @Field(() => String, { nullable: true })
  updatedBy!: string | null;
}
