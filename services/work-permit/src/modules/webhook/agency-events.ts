import { EVENT_TYPES, type DomainEvent, type EventPayload } from '@onestop/common/contract';

/**
 * The case events a partner agency hears of, by webhook and by the `caseEvents` feed: the
 * event-log types, published under the same names (the catalogue is already a stable contract).
 */
export const AGENCY_EVENT_TYPES = [
  EVENT_TYPES.caseSubmitted,
  EVENT_TYPES.caseResubmitted,
  EVENT_TYPES.caseReturned,
  EVENT_TYPES.casePreExamPassed,
  EVENT_TYPES.appointmentBooked,
  EVENT_TYPES.appointmentRescheduled,
  EVENT_TYPES.appointmentCancelled,
  EVENT_TYPES.appointmentNoShow,
  EVENT_TYPES.documentsAccepted,
  EVENT_TYPES.workPermitIssued,
  EVENT_TYPES.workPermitRefused,
  EVENT_TYPES.residencePermitIssued,
  EVENT_TYPES.residencePermitRefused,
  EVENT_TYPES.interviewDemanded,
  EVENT_TYPES.caseReadyForClaim,
  EVENT_TYPES.claimRecorded,
  EVENT_TYPES.caseWithdrawn,
  EVENT_TYPES.slaWarning,
  EVENT_TYPES.slaBreached,
] as const;
export type AgencyEventType = (typeof AGENCY_EVENT_TYPES)[number];

const AGENCY_EVENT_SET: ReadonlySet<string> = new Set(AGENCY_EVENT_TYPES);

/** True for an event type an agency may subscribe to. */
export function isAgencyEventType(type: string): type is AgencyEventType {
  return AGENCY_EVENT_SET.has(type);
}

/**
 * The fields of each event's payload an agency may see. Everything else (staff ids, internal
 * clock ids, the applicant's personal data it already holds) stays inside OneStop: a payload
 * is built by copying these keys, never by passing the event through. Typed by the catalogue:
 * a payload field renamed there no longer compiles here.
 */
const VISIBLE: { readonly [T in AgencyEventType]: readonly (keyof EventPayload<T>)[] } = {
  'case.submitted': ['category', 'route', 'filedOn', 'submittedAt', 'preExamDueAt', 'preExamDueProvisional'],
  'case.resubmitted': ['category', 'route', 'submittedAt', 'preExamDueAt', 'preExamDueProvisional'],
  'case.returned': ['items', 'returnedAt'],
  'case.pre-exam-passed': ['category', 'passedAt'],
  'appointment.booked': ['appointmentId', 'counterId', 'letterNumber', 'slotStart', 'slotEnd'],
  'appointment.rescheduled': [
    'appointmentId',
    'counterId',
    'letterNumber',
    'slotStart',
    'slotEnd',
    'replacesAppointmentId',
  ],
  'appointment.cancelled': ['appointmentId', 'counterId', 'letterNumber', 'slotStart', 'slotEnd', 'reason'],
  'appointment.no-show': ['appointmentId', 'counterId', 'letterNumber', 'slotStart', 'slotEnd'],
  'case.documents-accepted': ['counterId', 'receiptNumber', 'acceptedAt', 'issuanceDueAt', 'issuanceDueProvisional'],
  'work-permit.issued': ['permitNumber', 'validFrom', 'validUntil', 'decidedAt'],
  'work-permit.refused': ['reasons', 'decidedAt'],
  'residence-permit.issued': ['permitNumber', 'validFrom', 'validUntil', 'decidedAt'],
  'residence-permit.refused': ['reasons', 'decidedAt'],
  'residence-permit.interview-demanded': ['reason', 'demandedAt'],
  'case.ready-for-claim': ['workPermit', 'residencePermit', 'readyAt'],
  'case.claim-recorded': ['counterId', 'claimedAt'],
  'case.withdrawn': ['from', 'reason', 'withdrawnAt'],
  'sla.warning': ['kind', 'threshold', 'dueAt', 'at'],
  'sla.breached': ['kind', 'threshold', 'dueAt', 'at'],
};

/** What an agency receives for one event: the Standard Webhooks body shape `{ type, timestamp, data }`. */
export interface AgencyEventBody {
  type: AgencyEventType;
  /** Business time of the event (Asia/Shanghai clock of OneStop, as an ISO instant). */
  timestamp: string;
  data: {
    eventId: string;
    caseId: string;
    caseReference: string | null;
    employerId: string | null;
  } & Record<string, unknown>;
}

/** The case an event is about: the payload's caseId, else the aggregate. */
export function caseIdOf(event: DomainEvent): string {
  const caseId = event.payload.caseId;
  return typeof caseId === 'string' ? caseId : event.aggregateId;
}

/** Projects an event onto what its agency may see (`reference` from work-permit's own case table). */
export function toAgencyEventBody(event: DomainEvent, reference: string | null): AgencyEventBody {
  const type = event.type as AgencyEventType;
  const data: AgencyEventBody['data'] = {
    eventId: event.id,
    caseId: caseIdOf(event),
    caseReference: reference,
    employerId: event.employerId,
  };
  const payload = event.payload;
  const visible: readonly string[] = VISIBLE[type] ?? [];
  for (const key of visible) if (payload[key] !== undefined) data[key] = payload[key];
  return { type, timestamp: event.occurredAt.toISOString(), data };
}
