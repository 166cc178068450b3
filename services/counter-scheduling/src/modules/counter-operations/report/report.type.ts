import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { SlaKind } from '@onestop/common/contract';
import { SlaKindEnum } from '../../../shared/graphql-types.js';

@ObjectType('SlaCompliance', {
  description:
    'How one kind of SLA clock did in a month: each clock counts once, MET in the month it stopped on time, BREACHED in the month it fell due without having stopped.',
})
export class SlaCompliance {
  @Field(() => SlaKindEnum)
  kind!: SlaKind;

  @Field(() => ID, { nullable: true, description: 'The counter; null for the whole city.' })
  counterId!: string | null;

  @Field(() => Int)
  met!: number;

  @Field(() => Int)
  breached!: number;

  @Field(() => Float, { nullable: true, description: 'met / (met + breached), 0 to 1; null when no clock counted.' })
  compliance!: number | null;
}

@ObjectType('DailyCounterThroughput', { description: 'What one counter got through on one day (Asia/Shanghai).' })
export class DailyCounterThroughput {
  @Field(() => String, { description: 'YYYY-MM-DD, Asia/Shanghai.' })
  date!: string;

  @Field(() => ID)
  counterId!: string;

  @Field(() => Int, { description: 'Documents accepted.' })
  accepted!: number;

  @Field(() => Int, { description: 'Permits issued, attributed to the counter that accepted the case.' })
  issued!: number;

  @Field(() => Int, { description: 'Claims recorded.' })
  claimed!: number;
}

@ObjectType('MonthlyReport', { description: 'SLA compliance and throughput of one month (Asia/Shanghai).' })
export class MonthlyReport {
  @Field(() => String, { description: 'YYYY-MM.' })
  month!: string;

  @Field(() => Date, { description: 'The month’s first instant (00:00 Asia/Shanghai on the 1st).' })
  from!: Date;

  @Field(() => Date, { description: 'The next month’s first instant (exclusive).' })
  to!: Date;

  @Field(() => Date, { description: 'Business time of the report: clocks due later are not counted yet.' })
  asOf!: Date;

  @Field(() => [SlaCompliance], { description: 'Per clock kind, city-wide.' })
  slaByKind!: SlaCompliance[];

  @Field(() => [SlaCompliance], { description: 'Per counter and clock kind (pre-examination belongs to no counter).' })
  slaByCounter!: SlaCompliance[];

  @Field(() => [DailyCounterThroughput], {
    description: 'Per day and counter; days without work at a counter are left out.',
  })
  throughput!: DailyCounterThroughput[];
}
