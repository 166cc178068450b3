import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { APPOINTMENT_STATUSES, type AppointmentStatus } from '../shared/appointment-status.js';
import type { AppointmentEntity } from './appointment.entity.js';

export const AppointmentStatusEnum = Object.fromEntries(APPOINTMENT_STATUSES.map((s) => [s, s])) as {
  [K in AppointmentStatus]: K;
};
registerEnumType(AppointmentStatusEnum, {
  name: 'AppointmentStatus',
  description: 'BOOKED is the only active status; RESCHEDULED means replaced by a new appointment.',
});

@ObjectType('Appointment', {
  description: 'An appointment at a counter; its letter number replaces a separate Exit-Entry appointment.',
})
export class Appointment {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  caseId!: string;

  @Field(() => ID)
  counterId!: string;

  @Field(() => String, { description: 'AL-<year>-<6 digits>, gap-free per year.' })
  letterNumber!: string;

  @Field(() => Date)
  slotStart!: Date;

  @Field(() => Date)
  slotEnd!: Date;

  @Field(() => AppointmentStatusEnum)
  status!: AppointmentStatus;

  @Field(() => ID, { nullable: true, description: 'The appointment this one replaced (rescheduling).' })
  replacesAppointmentId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The appointment that replaced this one.' })
  replacedByAppointmentId!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was rescheduled (on the replacement) or cancelled.' })
  reason!: string | null;

  @Field(() => Date)
  bookedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was cancelled or replaced.' })
  cancelledAt!: Date | null;

  @Field(() => Date, { nullable: true })
  checkedInAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the slot ended without a check-in.' })
  noShowAt!: Date | null;
}

export function toAppointment(a: AppointmentEntity): Appointment {
  return {
    id: a.id,
    caseId: a.caseId,
    counterId: a.counterId,
    letterNumber: a.letterNumber,
    slotStart: a.slotStart,
    slotEnd: a.slotEnd,
    status: a.status,
    replacesAppointmentId: a.replacesId,
    replacedByAppointmentId: a.replacedById,
    reason: a.reason,
    bookedAt: a.bookedAt,
    cancelledAt: a.cancelledAt,
    checkedInAt: a.checkedInAt,
    noShowAt: a.noShowAt,
  };
}
