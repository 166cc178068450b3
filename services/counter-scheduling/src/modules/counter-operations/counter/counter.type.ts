import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('OpeningHours', {
  description: 'Opening hours of one weekday (a weekday may have several intervals, e.g. around lunch).',
})
export class OpeningHoursType {
  @Field(() => Int, { description: '0 = Sunday … 6 = Saturday.' })
  weekday!: number;

  @Field(() => String, { description: 'HH:MM, Asia/Shanghai.' })
  opens!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Shanghai.' })
  closes!: string;
}

@ObjectType('CounterHoursException', {
  description:
    "A manager's exception to a counter's weekly hours on one date: a closure, or special hours such as a Saturday opening.",
})
export class CounterHoursExceptionType {
  @Field(() => String, { description: 'YYYY-MM-DD, Asia/Shanghai.' })
  date!: string;

  @Field(() => Boolean)
  closed!: boolean;

  @Field(() => String, { nullable: true, description: 'HH:MM; null for a closure.' })
  opens!: string | null;

  @Field(() => String, { nullable: true, description: 'HH:MM; null for a closure.' })
  closes!: string | null;

  @Field(() => String)
  reason!: string;
}

@ObjectType('OpenInterval')
export class OpenIntervalType {
  @Field(() => String, { description: 'HH:MM, Asia/Shanghai.' })
  opens!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Shanghai.' })
  closes!: string;
}

@ObjectType('CounterDay', {
  description: 'What a counter does on one date, and why (opening hours, a holiday, an exception).',
})
export class CounterDayType {
  @Field(() => String, { description: 'YYYY-MM-DD, Asia/Shanghai.' })
  date!: string;

  @Field(() => Boolean)
  open!: boolean;

  @Field(() => [OpenIntervalType])
  hours!: OpenIntervalType[];

  @Field(() => String, {
    description: 'e.g. "opening hours", "public holiday: National Day", "closed: staff training".',
  })
  reason!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('ServiceCounter', { description: 'One of the 15 one-stop service counters.' })
export class ServiceCounter {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The name in English.' })
  name!: string;

  @Field(() => String, {
    description: 'The name in Simplified Chinese (e.g. 朝阳望京服务站), shown by Chinese-language clients.',
  })
  nameZh!: string;

  @Field(() => String, { description: 'The district in English (e.g. Chaoyang).' })
  district!: string;

  @Field(() => String, {
    description: "The district's official Chinese name (e.g. 朝阳区), one of Beijing's 16 districts.",
  })
  districtZh!: string;

  @Field(() => String)
  address!: string;

  @Field(() => Int, { description: 'Service windows.' })
  windows!: number;

  @Field(() => [OpeningHoursType], {
    description: 'Weekly opening hours. Opening hours are not working days: see CounterDay.',
  })
  openingHours!: OpeningHoursType[];

  @Field(() => Int, { description: 'Length of an appointment slot.' })
  slotMinutes!: number;

  @Field(() => Int, { description: 'Appointments per slot.' })
  capacityPerSlot!: number;
}

@ObjectType('AppointmentSlot', { description: 'A bookable appointment slot with free places.' })
export class AppointmentSlotType {
  @Field(() => ID)
  counterId!: string;

  @Field(() => Date)
  start!: Date;

  @Field(() => Date)
  end!: Date;

  @Field(() => Int)
  capacity!: number;

  @Field(() => Int)
  booked!: number;

  @Field(() => Int)
  available!: number;
}
