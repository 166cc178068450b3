import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SLA_FOLLOW_UP_ACTIONS, type SlaFollowUpAction, type SlaKind } from '@onestop/common/contract';
import { SlaClockStateEnum, SlaKindEnum } from '../clocks/sla.enums.js';
import type { SlaClockState } from '../clocks/sla-clock.rules.js';
import { CaseRef } from '../../../shared/graphql-types.js';

export const SLA_WORK_LEVELS = ['WARNING', 'BREACH'] as const;
export type SlaWorkLevel = (typeof SLA_WORK_LEVELS)[number];
export const SLA_WORK_STATES = ['UNACKNOWLEDGED', 'ACKNOWLEDGED', 'ASSIGNED_TO_ME', 'UNASSIGNED'] as const;
export type SlaWorkState = (typeof SLA_WORK_STATES)[number];

export const SlaWorkLevelEnum = Object.fromEntries(SLA_WORK_LEVELS.map((k) => [k, k])) as {
  [K in SlaWorkLevel]: K;
};
registerEnumType(SlaWorkLevelEnum, {
  name: 'SlaWorkLevel',
  valuesConfig: {
    WARNING: { description: 'A running clock past a warning threshold (50 %, 75 % by default).' },
    BREACH: { description: 'An open breach: the due time passed and the clock has not stopped.' },
  },
});

export const SlaWorkStateEnum = Object.fromEntries(SLA_WORK_STATES.map((k) => [k, k])) as {
  [K in SlaWorkState]: K;
};
registerEnumType(SlaWorkStateEnum, {
  name: 'SlaWorkState',
  valuesConfig: {
    UNACKNOWLEDGED: { description: 'Nobody acknowledged its current threshold yet.' },
    ACKNOWLEDGED: { description: 'Its current threshold is acknowledged.' },
    ASSIGNED_TO_ME: { description: 'Assigned to the signed-in person.' },
    UNASSIGNED: { description: 'Assigned to nobody.' },
  },
});

export const SlaFollowUpActionEnum = Object.fromEntries(SLA_FOLLOW_UP_ACTIONS.map((k) => [k, k])) as {
  [K in SlaFollowUpAction]: K;
};
registerEnumType(SlaFollowUpActionEnum, { name: 'SlaFollowUpAction' });

@ObjectType('StaffMember', { description: 'A member of staff: who acted, or who an entry is assigned to.' })
export class StaffMember {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'MANAGER, WP_OFFICER, EE_OFFICER or CLERK.' })
  role!: string;
}

@ObjectType('SlaFollowUpEntry', { description: 'One acknowledgement, assignment or note: who, when (the audit).' })
export class SlaFollowUpEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => SlaFollowUpActionEnum)
  action!: SlaFollowUpAction;

  @Field(() => StaffMember)
  by!: StaffMember;

  @Field(() => Date)
  at!: Date;

  @Field(() => Int, { nullable: true, description: 'The threshold acknowledged.' })
  threshold!: number | null;

  @Field(() => StaffMember, { nullable: true, description: 'The person assigned.' })
  assignee!: StaffMember | null;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType('SlaWorkItem', { description: 'One warning or open breach on the SLA work list (one clock).' })
export class SlaWorkItem {
  @Field(() => ID)
  clockId!: string;

  @Field(() => SlaWorkLevelEnum)
  level!: SlaWorkLevel;

  @Field(() => Int, { description: 'The last threshold reached: 50, 75 … or 100 for a breach.' })
  threshold!: number;

  @Field(() => SlaKindEnum)
  kind!: SlaKind;

  @Field(() => SlaClockStateEnum)
  state!: SlaClockState;

  @Field(() => CaseRef, { nullable: true, description: 'The case; null when it is not visible to the reader.' })
  case!: CaseRef;

  @Field(() => ID, { nullable: true })
  counterId!: string | null;

  @Field(() => String, { nullable: true })
  category!: string | null;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date)
  dueAt!: Date;

  @Field(() => Int, {
    description:
      'Minutes past the due time at `asOf` (working minutes for working-day clocks, wall minutes for the counter wait); negative while a warning is still before its due.',
  })
  overdueMinutes!: number;

  @Field(() => Date, { description: 'The instant overdueMinutes was computed (the business clock).' })
  asOf!: Date;

  @Field(() => Boolean, { description: 'true when the current threshold is acknowledged.' })
  acknowledged!: boolean;

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => StaffMember, { nullable: true })
  acknowledgedBy!: StaffMember | null;

  @Field(() => StaffMember, { nullable: true })
  assignee!: StaffMember | null;

  @Field(() => [SlaFollowUpEntry], { description: 'Acknowledgements, assignments and notes, oldest first.' })
  history!: SlaFollowUpEntry[];
}

@ObjectType('SlaWorkList', {
  description: 'The SLA work list: the most urgent first (open breaches, then warnings, each by due time).',
})
export class SlaWorkList {
  @Field(() => [SlaWorkItem])
  items!: SlaWorkItem[];

  @Field(() => Int, { description: 'Entries matching the filter (all pages).' })
  totalCount!: number;

  @Field(() => Int, {
    description:
      'Open breaches matching the filter: the same count as slaBreaches(filter: { open: true }) (docs/decisions/0016).',
  })
  breaches!: number;

  @Field(() => Int)
  warnings!: number;

  @Field(() => Date)
  asOf!: Date;
}

@ObjectType('SlaWorkListChange', { description: 'Something changed on the SLA work list: refetch it.' })
export class SlaWorkListChange {
  @Field(() => ID, { description: 'Pass the last one received as `since` when resubscribing.' })
  eventId!: string;

  @Field(() => String, { description: 'sla.warning, sla.breached, sla.resolved or sla.follow-up-changed.' })
  type!: string;

  @Field(() => ID)
  clockId!: string;

  @Field(() => CaseRef, { nullable: true })
  case!: CaseRef;

  @Field(() => SlaKindEnum)
  kind!: SlaKind;

  @Field(() => ID, { nullable: true })
  counterId!: string | null;

  @Field(() => SlaFollowUpActionEnum, { nullable: true })
  action!: SlaFollowUpAction | null;
}
