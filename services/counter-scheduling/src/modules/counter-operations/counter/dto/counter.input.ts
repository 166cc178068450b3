import { Field, InputType, Int } from 'type-graphql';

@InputType('OpeningHoursInput')
export class OpeningHoursInput {
  @Field(() => Int, { description: '0 = Sunday … 6 = Saturday.' })
  weekday!: number;

  @Field(() => String, { description: 'HH:MM, Asia/Shanghai.' })
  opens!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Shanghai.' })
  closes!: string;
}

@InputType('ServiceCounterInput', { description: 'The settings to change; fields left out stay as they are.' })
export class ServiceCounterInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The name in Simplified Chinese: at most 100 characters, with at least one Chinese character.',
  })
  nameZh?: string | null;

  @Field(() => String, { nullable: true })
  district?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The district's official Chinese name: one of Beijing's 16 districts (东城区, 西城区, 朝阳区, …).",
  })
  districtZh?: string | null;

  @Field(() => String, { nullable: true })
  address?: string | null;

  @Field(() => Int, { nullable: true, description: 'At least 1.' })
  windows?: number | null;

  @Field(() => [OpeningHoursInput], { nullable: true, description: 'Replaces the whole week.' })
  openingHours?: OpeningHoursInput[] | null;

  @Field(() => Int, { nullable: true, description: '5 to 240 minutes.' })
  slotMinutes?: number | null;

  @Field(() => Int, { nullable: true, description: '0 (no appointments) to 500.' })
  capacityPerSlot?: number | null;
}

@InputType('CounterHoursExceptionInput', { description: 'A closure (closed: true) or special hours on one date.' })
export class CounterHoursExceptionInput {
  @Field(() => String, { description: 'YYYY-MM-DD, Asia/Shanghai.' })
  date!: string;

  @Field(() => Boolean)
  closed!: boolean;

  @Field(() => String, { nullable: true, description: 'HH:MM; required unless closed.' })
  opens?: string | null;

  @Field(() => String, { nullable: true, description: 'HH:MM; required unless closed.' })
  closes?: string | null;

  @Field(() => String)
  reason!: string;
}
