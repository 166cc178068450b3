import { Field, InputType, Int } from 'type-graphql';

@InputType('SlaThresholdsInput', { description: 'The thresholds to change; omitted ones stay as they are.' })
export class SlaThresholdsInput {
  @Field(() => Int, { nullable: true })
  counterWaitMinutes?: number | null;

  @Field(() => Int, { nullable: true })
  passportCustodyWorkingDays?: number | null;

  @Field(() => [Int], { nullable: true })
  warningPercents?: number[] | null;
}
