import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('OpeningHours')
export class OpeningHoursType {
  @Field(() => Int, { description: '0 = Sunday … 6 = Saturday.' })
  weekday!: number;

  @Field(() => String, { description: 'HH:MM, Asia/Shanghai.' })
  opens!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Shanghai.' })
  closes!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('ServiceCounter', { description: 'One of the 15 one-stop service counters.' })
export class ServiceCounter {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  district!: string;

  @Field(() => String)
  address!: string;

  @Field(() => Int, { description: 'Service windows.' })
  windows!: number;

  @Field(() => [OpeningHoursType])
  openingHours!: OpeningHoursType[];

  @Field(() => Int)
  slotMinutes!: number;

  @Field(() => Int)
  capacityPerSlot!: number;
}
