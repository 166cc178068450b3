import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { SlaKind } from '@onestop/common/contract';
import type { SlaClockState } from './sla-clock.rules.js';
import { SlaClockStateEnum, SlaKindEnum } from './sla.enums.js';

@ObjectType('SlaClock', { description: 'One SLA clock of a case.' })
export class SlaClock {
  @Field(() => ID)
  id!: string;

  @Field(() => SlaKindEnum)
  kind!: SlaKind;

  @Field(() => SlaClockStateEnum)
  state!: SlaClockState;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date, {
    description: 'When the clock breaches: the end (00:00 Asia/Shanghai) of the last working day allowed.',
  })
  dueAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the clock stopped; null while it counts.' })
  stoppedAt!: Date | null;

  @Field(() => Int, {
    description:
      'Minutes left until dueAt (from now, or from stoppedAt once stopped): working time for working-day clocks, wall time for COUNTER_WAIT. Negative when overdue.',
  })
  remainingWorkingMinutes!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'The last threshold emitted: a warning percentage, or 100 for the breach.',
  })
  lastThreshold!: number | null;

  @Field(() => [Int], {
    description: 'The warning percentages this clock started with (thresholds changed later do not apply).',
  })
  warningPercents!: number[];

  @Field(() => Boolean, {
    description: 'The due time depends on a year without official calendar data, so it may still move.',
  })
  provisional!: boolean;

  @Field(() => ID, {
    nullable: true,
    description: 'The counter that accepted the documents or issued the ticket; null for pre-examination.',
  })
  counterId!: string | null;

  @Field(() => String, { nullable: true, description: 'Talent category of the case (A, B, C).' })
  category!: string | null;
}
