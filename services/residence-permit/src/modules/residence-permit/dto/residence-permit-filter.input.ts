import { Field, InputType, Int } from 'type-graphql';
import type { ResidencePermitStatus } from '../residence-permit.entity.js';
import { ResidencePermitStatusEnum } from '../residence-permit.type.js';

/** Filters of the officers' list; every one given must hold. */
@InputType('ResidencePermitFilter')
export class ResidencePermitFilter {
  @Field(() => ResidencePermitStatusEnum, { nullable: true })
  status?: ResidencePermitStatus | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: undecided permits whose face-to-face interview is required and not completed yet; false: all others.',
  })
  interviewPending?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: undecided permits with a scheduled verification whose outcome is not recorded yet; false: all others.',
  })
  verificationOutstanding?: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Only passports still held after more than N working days (working days after the day of acceptance, up to and including today), e.g. 10 for the custody alert.',
  })
  passportHeldLongerThanWorkingDays?: number | null;
}
