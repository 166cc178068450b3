import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('HourlyThroughput', {
  description: 'What the counters got through in one hour (Asia/Shanghai): documents accepted, permits issued, claims.',
})
export class HourlyThroughput {
  @Field(() => Date, { description: 'The start of the hour.' })
  hour!: Date;

  @Field(() => Int, { description: 'Documents accepted (receipts of acceptance issued).' })
  accepted!: number;

  @Field(() => Int, {
    description:
      'Permits issued (work permits and residence permits, each counted), attributed to the counter that accepted the case.',
  })
  issued!: number;

  @Field(() => Int, { description: 'Claims recorded (permits and passport handed back).' })
  claimed!: number;
}
