import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('CounterWindow', { description: 'A window of a counter today: open (the clerk at it) or not.' })
export class CounterWindow {
  @Field(() => ID)
  counterId!: string;

  @Field(() => Int)
  window!: number;

  @Field(() => Boolean, { description: 'A clerk opened it today and has not closed it.' })
  open!: boolean;

  @Field(() => String, { nullable: true, description: 'The clerk at the window (token subject).' })
  clerkId!: string | null;

  @Field(() => String, { nullable: true, description: "The clerk's name, for colleagues and managers." })
  clerkName!: string | null;

  @Field(() => Date, { nullable: true })
  openedAt!: Date | null;
}
