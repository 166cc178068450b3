import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export const CheckInOutcome = { WALK_IN: 'WALK_IN', APPOINTMENT: 'APPOINTMENT', REFUSED: 'REFUSED' } as const;
registerEnumType(CheckInOutcome, {
  name: 'CheckInOutcome',
  description: 'WALK_IN: a walk-in ticket (Category A); APPOINTMENT: an appointment ticket; REFUSED: turned away.',
});

@ObjectType('CheckInPreview', { description: 'What checking a case in would do now, said before it happens.' })
export class CheckInPreview {
  @Field(() => ID)
  caseId!: string;

  @Field(() => CheckInOutcome)
  outcome!: keyof typeof CheckInOutcome;

  @Field(() => String, {
    nullable: true,
    description:
      'Why it would be refused: NO_APPOINTMENT_TODAY, CASE_WITHDRAWN, PRE_EXAM_NOT_PASSED, COUNTER_CLOSED, ALREADY_CHECKED_IN, CLAIMED, NOT_FOUND.',
  })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: 'The refusal, in words the clerk can tell the applicant.' })
  message!: string | null;

  @Field(() => String, { nullable: true, description: 'Talent category A, B or C.' })
  category!: string | null;

  @Field(() => String, { nullable: true, description: "Today's appointment here, when it is one." })
  appointmentLetterNumber!: string | null;

  @Field(() => Date, { nullable: true })
  appointmentSlotStart!: Date | null;
}
