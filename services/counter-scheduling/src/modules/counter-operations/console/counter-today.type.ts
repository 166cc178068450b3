import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { OpenIntervalType } from '../counter/counter.type.js';
import { CounterLoad } from '../load/counter-load.type.js';
import { TicketStatusEnum } from '../queue/ticket.type.js';
import type { TicketStatus } from '../queue/ticket.entity.js';

@ObjectType('QueuedTicket', { description: 'A ticket waiting to be called: its number and times, no personal data.' })
export class QueuedTicket {
  @Field(() => String)
  ticketNumber!: string;

  @Field(() => Date, { description: 'Check-in.' })
  issuedAt!: Date;

  @Field(() => Int, { description: 'Minutes waited so far.' })
  waitedMinutes!: number;

  @Field(() => Boolean, { description: 'Checked in with an appointment (else a Category A walk-in).' })
  withAppointment!: boolean;
}

@ObjectType('WindowNow', { description: 'A window of the counter now: the clerk at it and the ticket at it.' })
export class WindowNow {
  @Field(() => Int)
  window!: number;

  @Field(() => Boolean, { description: 'A clerk opened it today and has not closed it.' })
  open!: boolean;

  @Field(() => String, { nullable: true, description: "The clerk's name (staff only)." })
  clerkName!: string | null;

  @Field(() => Date, { nullable: true })
  openedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The ticket called to or served at the window.' })
  ticketNumber!: string | null;

  @Field(() => TicketStatusEnum, { nullable: true, description: 'CALLED or SERVING; null when the window is free.' })
  ticketStatus!: TicketStatus | null;
}

@ObjectType('TicketWait', { description: 'A ticket called today: when, and how long it had waited.' })
export class TicketWait {
  @Field(() => Date)
  calledAt!: Date;

  @Field(() => Float, { description: 'Check-in → call, in minutes.' })
  waitMinutes!: number;
}

@ObjectType('NearbyCounter', {
  description: 'A counter near this one where a walk-in would wait less (open, staffed, with a location).',
})
export class NearbyCounter {
  @Field(() => ID)
  counterId!: string;

  @Field(() => Float, { description: 'Straight-line distance, km.' })
  distanceKm!: number;

  @Field(() => Int, { description: 'Expected wait for someone checking in now, minutes (see CounterToday).' })
  expectedWaitMinutes!: number;

  @Field(() => Int)
  waiting!: number;

  @Field(() => Int)
  windowsOpen!: number;
}

@ObjectType('CounterToday', {
  description:
    "A counter's page: its state now (queue, windows), its day (waits, breaches, throughput via cityThroughput), and the nearest counters with a shorter expected wait.",
})
export class CounterToday {
  @Field(() => ID)
  counterId!: string;

  @Field(() => String, { description: 'YYYY-MM-DD, Asia/Shanghai.' })
  date!: string;

  @Field(() => [OpenIntervalType], { description: "Today's opening hours; empty on a closed day." })
  hours!: OpenIntervalType[];

  @Field(() => CounterLoad)
  load!: CounterLoad;

  @Field(() => Int, {
    nullable: true,
    description:
      "Expected wait for someone checking in now: waiting × today's average service time ÷ windows open (15 minutes before the first visit is done). Null when closed or nobody is at a window.",
  })
  expectedWaitMinutes!: number | null;

  @Field(() => Float, { nullable: true, description: "Today's average service time (call → completion), minutes." })
  averageServiceMinutesToday!: number | null;

  @Field(() => [QueuedTicket], { description: 'The queue, first to be called first.' })
  queue!: QueuedTicket[];

  @Field(() => [WindowNow])
  windows!: WindowNow[];

  @Field(() => [TicketWait], { description: "Today's called tickets, in the order called." })
  waits!: TicketWait[];

  @Field(() => [Date], { description: "When each of today's counter-wait breaches fell due, oldest first." })
  breachTimes!: Date[];

  @Field(() => [NearbyCounter], { description: 'Up to 3, nearest first.' })
  nearest!: NearbyCounter[];
}
