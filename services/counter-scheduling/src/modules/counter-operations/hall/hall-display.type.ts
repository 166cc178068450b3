import { Field, ID, Int, ObjectType } from 'type-graphql';
import { TicketStatusEnum } from '../queue/ticket.type.js';
import type { TicketStatus } from '../queue/ticket.entity.js';

@ObjectType('HallCall', {
  description: 'A ticket called to a window, as shown in the waiting hall (no personal data).',
})
export class HallCall {
  @Field(() => String)
  ticketNumber!: string;

  @Field(() => Int)
  window!: number;

  @Field(() => TicketStatusEnum, { description: 'CALLED (come to the window) or SERVING.' })
  status!: TicketStatus;

  @Field(() => Date, { description: 'The call, or the latest recall.' })
  announcedAt!: Date;

  @Field(() => Int, { description: 'How many times the ticket was called again.' })
  recalls!: number;
}

@ObjectType('HallDisplay', {
  description:
    "Public: a counter's waiting-hall screen. Tickets at a window, latest announcement first; no personal data.",
})
export class HallDisplay {
  @Field(() => ID)
  counterId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  nameZh!: string | null;

  @Field(() => Int, { description: 'Tickets waiting to be called.' })
  waiting!: number;

  @Field(() => [HallCall])
  calls!: HallCall[];

  @Field(() => ID, { description: 'Every event up to this id is reflected: subscribe with since = this.' })
  eventId!: string;
}
