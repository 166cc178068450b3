import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { IDLE_FLAG_MINUTES } from './counter-load.service.js';

@ObjectType('CounterLoad', { description: 'The live load of one counter today (Asia/Shanghai).' })
export class CounterLoad {
  @Field(() => ID)
  counterId!: string;

  @Field(() => String, { description: 'YYYY-MM-DD: the day the figures are for.' })
  date!: string;

  @Field(() => Boolean, { description: 'Open now (opening hours, exceptions, holidays).' })
  open!: boolean;

  @Field(() => Int, {
    description:
      'The windows a clerk has opened today (openWindow, or the first callNext to it) while the counter is open; 0 when closed.',
  })
  windowsOpen!: number;

  @Field(() => Int)
  waiting!: number;

  @Field(() => Int, { description: 'Tickets called to a window or being served there.' })
  beingServed!: number;

  @Field(() => Int)
  servedToday!: number;

  @Field(() => Int)
  noShowsToday!: number;

  @Field(() => Float, { nullable: true, description: 'Counter wait (check-in → called) of the tickets called today.' })
  averageWaitMinutesToday!: number | null;

  @Field(() => Float, { nullable: true })
  p90WaitMinutesToday!: number | null;

  @Field(() => Float, { description: 'beingServed / windowsOpen (0 when closed).' })
  utilisation!: number;

  @Field(() => Int, { description: 'Booked appointments still to come today (not checked in, slot not over).' })
  appointmentsLeftToday!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'NOW: minutes the longest-waiting ticket has waited so far (null when nobody waits).',
  })
  longestWaitMinutesNow!: number | null;

  @Field(() => Int, {
    description:
      'NOW: windows serving nobody while the counter is open (unstaffed, or staffed and free); 0 when closed.',
  })
  idleWindows!: number;

  @Field(() => Boolean, {
    description: `NOW: people wait (the oldest for ${IDLE_FLAG_MINUTES} minutes or more) while a window is idle.`,
  })
  queueWithIdleWindows!: boolean;

  @Field(() => Int, {
    description: 'THE DAY: counter-wait breaches that fell due today (they stay counted after the queue clears).',
  })
  breachesToday!: number;

  @Field(() => Int, { description: 'THE DAY: visits today (tickets called, or still waiting).' })
  visitsToday!: number;

  @Field(() => Int, {
    description: 'THE DAY: visits whose wait (check-in → call, or so far) is over the counter-wait target.',
  })
  visitsOverTargetToday!: number;

  @Field(() => Date, { nullable: true, description: 'THE DAY: when the latest counter-wait breach today fell due.' })
  lastBreachAt!: Date | null;

  @Field(() => Date)
  computedAt!: Date;

  @Field(() => ID, {
    description:
      'Event-log position this load reflects: every change up to it is included (on a subscription push, every change of that subscription up to it was pushed). Resume with since = eventId.',
  })
  eventId!: string;
}

@ObjectType('CityLoad', { description: 'The live load of all 15 counters: city sums and each counter.' })
export class CityLoad {
  @Field(() => String)
  date!: string;

  @Field(() => Int)
  openCounters!: number;

  @Field(() => Int)
  windowsOpen!: number;

  @Field(() => Int)
  waiting!: number;

  @Field(() => Int)
  beingServed!: number;

  @Field(() => Int)
  servedToday!: number;

  @Field(() => Int)
  noShowsToday!: number;

  @Field(() => Float, { nullable: true, description: 'City-wide, over every ticket called today.' })
  averageWaitMinutesToday!: number | null;

  @Field(() => Float, { nullable: true, description: 'City-wide, over every ticket called today.' })
  p90WaitMinutesToday!: number | null;

  @Field(() => Float)
  utilisation!: number;

  @Field(() => Int)
  appointmentsLeftToday!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'NOW: minutes the longest-waiting ticket has waited so far (null when nobody waits).',
  })
  longestWaitMinutesNow!: number | null;

  @Field(() => Int, {
    description:
      'NOW: windows serving nobody while the counter is open (unstaffed, or staffed and free); 0 when closed.',
  })
  idleWindows!: number;

  @Field(() => Int, { description: 'NOW: counters where people wait while a window is idle.' })
  countersWithIdleWindows!: number;

  @Field(() => Int, {
    description: 'THE DAY: counter-wait breaches that fell due today (they stay counted after the queue clears).',
  })
  breachesToday!: number;

  @Field(() => Int, { description: 'THE DAY: visits today (tickets called, or still waiting).' })
  visitsToday!: number;

  @Field(() => Int, {
    description: 'THE DAY: visits whose wait (check-in → call, or so far) is over the counter-wait target.',
  })
  visitsOverTargetToday!: number;

  @Field(() => Float, {
    nullable: true,
    description: "THE DAY: share (0–1) of today's visits over the counter-wait target; null before the first visit.",
  })
  overTargetShareToday!: number | null;

  @Field(() => Date)
  computedAt!: Date;

  @Field(() => ID, {
    description: 'Subscribe to counterLoadChanged with since = eventId to miss nothing after this snapshot.',
  })
  eventId!: string;

  @Field(() => [CounterLoad])
  counters!: CounterLoad[];
}

@ObjectType('LoadSample', { description: 'The city load at one instant of the day.' })
export class LoadSample {
  @Field(() => Date)
  at!: Date;

  @Field(() => Int, { description: 'Checked in and not yet called (nor left unserved at closing).' })
  waiting!: number;

  @Field(() => Int, { description: 'Called to a window or being served there (as CounterLoad.beingServed).' })
  beingServed!: number;
}
