/**
 * The catalogue of domain events: the contract between subgraphs. A subgraph appends its
 * events in the same transaction as the change (transactional outbox) and reacts to the
 * others' through durable consumers. Types are `<aggregate>.<past-tense verb>`; payloads are
 * JSON (instants as ISO strings).
 *
 * Each entry names the type, the subgraph that appends it and the payload's schema (zod). The
 * schema gives both sides their types: a producer's `append` takes the payload as written
 * ({@link EventPayload}: instants are ISO strings), a consumer's `on(type, handler)` gets it
 * decoded ({@link DecodedPayload}: instants are `Date`s), so a field renamed on one side no
 * longer compiles on the other. Adding an optional field is compatible; renaming or removing
 * one, or adding a required one, is not (events already in the log must still decode).
 * docs/domain-events.md is generated from this file (`node scripts/dist/domain-events-doc.js`);
 * docs/decisions/0021-typed-event-catalogue.md says why and what a consumer does with an event
 * that does not decode.
 *
 * To add an event: a schema below, an entry in {@link EVENT_CATALOGUE}, then regenerate the doc.
 */
import { z } from 'zod';
import { CATEGORIES, ROUTES } from './case-lifecycle.js';

/** An instant: written as an ISO 8601 string, decoded to a `Date`. */
const instant = z
  .string()
  .meta({ format: 'date-time' })
  .transform((s, ctx) => {
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not an ISO 8601 instant: ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return d;
  });
/** A calendar date (Asia/Shanghai), YYYY-MM-DD; stays a string. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .meta({ format: 'date' });
const category = z.enum(CATEGORIES);

/** The SLA clocks (DOMAIN.md: time rules). */
export const SLA_KINDS = ['PRE_EXAMINATION', 'ISSUANCE', 'COUNTER_WAIT', 'PASSPORT_CUSTODY'] as const;
export type SlaKind = (typeof SLA_KINDS)[number];

const caseSubmitted = z.object({
  caseId: z.string(),
  reference: z.string(),
  employerId: z.string(),
  agencyId: z.string(),
  category,
  route: z.enum(ROUTES),
  applicant: z.object({ fullName: z.string(), nationality: z.string(), dateOfBirth: z.string(), sex: z.string() }),
  filedOn: isoDate.describe("Filing date (Asia/Shanghai): the interview rule's age is computed on it."),
  submittedAt: instant,
  preExamDueAt: instant,
  preExamDueProvisional: z.boolean(),
  resubmission: z.boolean().optional().describe('true for case.resubmitted'),
});

const caseReturned = z.object({
  caseId: z.string(),
  items: z.array(z.object({ field: z.string(), problem: z.string() })),
  returnedAt: instant,
});

const casePreExamPassed = z.object({ caseId: z.string(), category, passedAt: instant });

const caseStatusChanged = z.object({
  caseId: z.string(),
  reference: z.string(),
  from: z.string(),
  to: z.string(),
  category,
});

const materialsChecklist = z.object({
  complete: z.boolean(),
  missing: z.array(z.string()).describe('What blocks acceptance.'),
});
const materialsChanged = materialsChecklist.extend({ caseId: z.string() });

const interviewState = z.object({
  required: z.boolean(),
  satisfied: z
    .boolean()
    .describe(
      'The requirement is met: no interview is required, or a face-to-face interview is recorded as completed (so acceptance can test `satisfied || scheduled` alone).',
    ),
  scheduled: z.boolean().describe('An interview is scheduled (acceptance allows "satisfied or scheduled").'),
  reason: z.string(),
  completed: z
    .boolean()
    .optional()
    .describe('A face-to-face interview is recorded as completed (whether or not one was required).'),
  exemptions: z
    .array(z.string())
    .optional()
    .describe(
      'The exemptions that apply (AGED_60_OR_OVER, MOBILITY_ISSUES, RENEWAL, HIGH_LEVEL_TALENT, URGENTLY_NEEDED_SPECIALIST).',
    ),
});
const interviewRequirement = interviewState.extend({ caseId: z.string() });

const permitIssued = z.object({
  caseId: z.string(),
  permitNumber: z.string(),
  validFrom: isoDate,
  validUntil: isoDate,
  decidedAt: instant,
});

const permitRefused = z.object({ caseId: z.string(), reasons: z.array(z.string()), decidedAt: instant });

const documentsAccepted = z.object({
  caseId: z.string(),
  counterId: z.string(),
  receiptNumber: z.string(),
  acceptedAt: instant,
  issuanceDueAt: instant,
  issuanceDueProvisional: z.boolean(),
});

const claimRecorded = z.object({ caseId: z.string(), counterId: z.string(), claimedAt: instant });

const appointment = z.object({
  appointmentId: z.string(),
  caseId: z.string(),
  counterId: z.string(),
  letterNumber: z.string(),
  slotStart: instant,
  slotEnd: instant,
  replacesAppointmentId: z.string().optional().describe('appointment.rescheduled: the appointment it replaces.'),
  reason: z.string().optional(),
});

const ticket = z.object({
  ticketId: z.string(),
  ticketNumber: z.string(),
  caseId: z.string(),
  counterId: z.string(),
  window: z.number().int().optional(),
  at: instant,
  closedAtEndOfDay: z
    .boolean()
    .optional()
    .describe(
      'Set on queue.service-completed and queue.ticket-missed when the closing sweep closed a ticket still at a window as its counter closed for the day (`at` = the closing time), not a clerk: so a window never carries a ticket into the next day.',
    ),
});

const ticketWithdrawn = ticket.extend({
  withdrawalEventId: z.string().describe('The case.withdrawn event that took the ticket out of the queue.'),
});

const counterWindow = z.object({
  counterId: z.string(),
  window: z.number().int(),
  serviceDate: isoDate,
  clerkId: z.string(),
  clerkName: z.string(),
  at: instant,
});

const slaEvent = z.object({
  clockId: z.string(),
  caseId: z.string(),
  kind: z.enum(SLA_KINDS),
  threshold: z.number().describe('50 or 75 for warnings, 100 for a breach.'),
  counterId: z.string().nullable(),
  category: category
    .nullable()
    .describe('null when the clock started before counter-scheduling knew the case (a ticket before the filing).'),
  dueAt: instant,
  at: instant,
});

/** What someone did to an SLA work-list entry. */
export const SLA_FOLLOW_UP_ACTIONS = ['ACKNOWLEDGED', 'ASSIGNED', 'NOTED'] as const;
export type SlaFollowUpAction = (typeof SLA_FOLLOW_UP_ACTIONS)[number];

const slaFollowUpChanged = z.object({
  clockId: z.string(),
  caseId: z.string(),
  kind: z.enum(SLA_KINDS),
  counterId: z.string().nullable(),
  action: z.enum(SLA_FOLLOW_UP_ACTIONS),
  threshold: z.number().nullable().describe('The threshold acknowledged (ACKNOWLEDGED only).'),
  assigneeId: z.string().nullable().describe('The person assigned (ASSIGNED only).'),
  at: instant,
});

const calendarChanged = z.object({ years: z.array(z.number().int()), reason: z.string() });

const slaThresholdValues = z.object({
  counterWaitMinutes: z.number(),
  passportCustodyWorkingDays: z.number(),
  warningPercents: z.array(z.number()),
});
const slaThresholdsChanged = z.object({ previous: slaThresholdValues, current: slaThresholdValues });

const slaDeadlineChanged = z.object({
  clockId: z.string(),
  caseId: z.string(),
  kind: z.enum(SLA_KINDS),
  counterId: z.string().nullable(),
  previousDueAt: instant,
  dueAt: instant,
  previousProvisional: z.boolean(),
  provisional: z.boolean(),
  years: z.array(z.number().int()).describe('The calendar years whose change caused the recomputation.'),
  reason: z.string(),
});

const residencePermitCreated = z.object({
  caseId: z.string(),
  residencePermitId: z.string(),
  status: z.string(),
  materials: materialsChecklist,
  interview: interviewState,
});

const interviewExemptionDeclared = z.object({
  caseId: z.string(),
  grounds: z.array(z.string()),
  proxyKind: z.string().nullable().describe('INVITING_UNIT or SPECIALISED_AGENCY; null when no proxy is recorded.'),
  declaredAt: instant,
});

const interviewDemanded = z.object({ caseId: z.string(), reason: z.string(), demandedAt: instant });

const verification = z.object({
  caseId: z.string(),
  verificationId: z.string(),
  kind: z.string().describe('FACE_TO_FACE_INTERVIEW, TELEPHONE_INTERVIEW or ON_SITE_INVESTIGATION'),
  scheduledAt: instant,
  outcome: z.string().optional().describe('verification-recorded only: CONFIRMED, DISCREPANCY or NO_SHOW.'),
  recordedAt: instant.optional().describe('verification-recorded only.'),
});

const passportReleased = z.object({
  caseId: z.string(),
  counterId: z.string().nullable(),
  heldSince: instant,
  releasedAt: instant,
});

const caseWithdrawn = z.object({
  caseId: z.string(),
  reference: z.string(),
  from: z.string().describe('The status the case was in.'),
  reason: z.string().nullable(),
  withdrawnAt: instant,
});

const caseReadyForClaim = z.object({
  caseId: z.string(),
  reference: z.string(),
  workPermit: z.string(),
  residencePermit: z.string(),
  readyAt: instant,
});

const caseDeadlineChanged = z.object({
  caseId: z.string(),
  reference: z.string(),
  category,
  kind: z.literal('PRE_EXAMINATION'),
  previousDueAt: instant,
  dueAt: instant,
  previousProvisional: z.boolean(),
  provisional: z.boolean(),
  years: z.array(z.number().int()).describe('The calendar years whose change caused the recomputation.'),
});

const counterLoadChanged = z.object({
  counterId: z.string(),
  cause: z.string().describe('The event type of the change, e.g. `queue.ticket-issued`.'),
});

const counterChanged = z.object({
  counterId: z.string(),
  changed: z.array(z.string()).describe('The fields changed, e.g. `windows`, `openingHours`, `exception:2026-12-24`.'),
});

/** Who appends an event. */
export type EventSource = 'work-permit' | 'residence-permit' | 'counter-scheduling';

/** One entry of the catalogue. */
export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly source: EventSource;
  /** What happened, for docs/domain-events.md. */
  readonly summary: string;
  readonly payload: S;
}

function define<const T extends string, S extends z.ZodType>(
  type: T,
  source: EventSource,
  summary: string,
  payload: S,
): EventDefinition<T, S> {
  return { type, source, summary, payload };
}

/** Every event, by name, with the subgraph that appends it and its payload's schema. */
export const EVENT_CATALOGUE = {
  // work-permit
  caseSubmitted: define(
    'case.submitted',
    'work-permit',
    'An agency filed a case: what the other subgraphs need to know of a filing.',
    caseSubmitted,
  ),
  caseReturned: define(
    'case.returned',
    'work-permit',
    'Pre-examination returned the case: the one-time notification, listing every item to correct.',
    caseReturned,
  ),
  caseResubmitted: define(
    'case.resubmitted',
    'work-permit',
    'The agency corrected a returned case (`resubmission: true`).',
    caseSubmitted,
  ),
  casePreExamPassed: define('case.pre-exam-passed', 'work-permit', 'Pre-examination passed.', casePreExamPassed),
  caseWithdrawn: define(
    'case.withdrawn',
    'work-permit',
    'The agency withdrew the case before acceptance.',
    caseWithdrawn,
  ),
  caseStatusChanged: define(
    'case.status-changed',
    'work-permit',
    'Every lifecycle move, for timelines and live views.',
    caseStatusChanged,
  ),
  workPermitMaterialsChanged: define(
    'work-permit.materials-changed',
    'work-permit',
    'The work-permit checklist after a clerk recorded an item; `missing` lists what blocks acceptance.',
    materialsChanged,
  ),
  workPermitIssued: define('work-permit.issued', 'work-permit', 'The work permit was issued.', permitIssued),
  workPermitRefused: define('work-permit.refused', 'work-permit', 'The work permit was refused.', permitRefused),
  caseReadyForClaim: define(
    'case.ready-for-claim',
    'work-permit',
    'Both permits are decided: the counter may hand them over with the passport.',
    caseReadyForClaim,
  ),
  caseDeadlineChanged: define(
    'case.deadline-changed',
    'work-permit',
    'The pre-examination due time of an open (SUBMITTED) case changed because the working-day calendar changed; appended only when the due time or its provisional mark actually changed.',
    caseDeadlineChanged,
  ),
  // residence-permit
  residencePermitCreated: define(
    'residence-permit.created',
    'residence-permit',
    'The residence-permit application exists (reaction to case.submitted).',
    residencePermitCreated,
  ),
  residenceMaterialsChanged: define(
    'residence-permit.materials-changed',
    'residence-permit',
    'The residence-permit checklist after a clerk recorded an item; `missing` lists what blocks acceptance.',
    materialsChanged,
  ),
  interviewRequirementChanged: define(
    'residence-permit.interview-requirement-changed',
    'residence-permit',
    'Whether an interview is required, satisfied or scheduled.',
    interviewRequirement,
  ),
  verificationRecorded: define(
    'residence-permit.verification-recorded',
    'residence-permit',
    'The outcome of an interview or investigation was recorded.',
    verification,
  ),
  residencePermitIssued: define(
    'residence-permit.issued',
    'residence-permit',
    'The residence permit was issued.',
    permitIssued,
  ),
  residencePermitRefused: define(
    'residence-permit.refused',
    'residence-permit',
    'The residence permit was refused (final).',
    permitRefused,
  ),
  passportReleased: define(
    'residence-permit.passport-released',
    'residence-permit',
    'The passport went back to the applicant (at the claim).',
    passportReleased,
  ),
  interviewExemptionDeclared: define(
    'residence-permit.interview-exemption-declared',
    'residence-permit',
    'The grounds an agency claims, and whether a proxy represents the applicant.',
    interviewExemptionDeclared,
  ),
  interviewDemanded: define(
    'residence-permit.interview-demanded',
    'residence-permit',
    'Exit-Entry demands an interview (also of an exempt applicant).',
    interviewDemanded,
  ),
  verificationScheduled: define(
    'residence-permit.verification-scheduled',
    'residence-permit',
    'An interview or investigation was scheduled.',
    verification,
  ),
  // counter-scheduling
  appointmentBooked: define('appointment.booked', 'counter-scheduling', 'An appointment was booked.', appointment),
  appointmentCancelled: define(
    'appointment.cancelled',
    'counter-scheduling',
    'An appointment was cancelled (by the agency, or because the case was withdrawn).',
    appointment,
  ),
  appointmentRescheduled: define(
    'appointment.rescheduled',
    'counter-scheduling',
    'An appointment replaced another (`replacesAppointmentId`).',
    appointment,
  ),
  appointmentNoShow: define(
    'appointment.no-show',
    'counter-scheduling',
    'The applicant did not come to the appointment.',
    appointment,
  ),
  ticketIssued: define('queue.ticket-issued', 'counter-scheduling', 'Check-in: a queue ticket was issued.', ticket),
  ticketCalled: define('queue.ticket-called', 'counter-scheduling', 'A ticket was called to a window.', ticket),
  serviceStarted: define('queue.service-started', 'counter-scheduling', 'Service started at the window.', ticket),
  serviceCompleted: define('queue.service-completed', 'counter-scheduling', 'Service completed.', ticket),
  ticketMissed: define(
    'queue.ticket-missed',
    'counter-scheduling',
    'A called ticket: the applicant did not come to the window.',
    ticket,
  ),
  documentsAccepted: define(
    'case.documents-accepted',
    'counter-scheduling',
    'The counter accepted the paper materials and holds the passport.',
    documentsAccepted,
  ),
  claimRecorded: define(
    'case.claim-recorded',
    'counter-scheduling',
    'Permits and passport handed back together.',
    claimRecorded,
  ),
  counterChanged: define(
    'counter.changed',
    'counter-scheduling',
    "A MANAGER changed a counter's settings or an opening exception.",
    counterChanged,
  ),
  counterLoadChanged: define(
    'counter.load-changed',
    'counter-scheduling',
    'Something changed the live load of this counter (a ticket, an appointment, its settings).',
    counterLoadChanged,
  ),
  slaWarning: define('sla.warning', 'counter-scheduling', 'An SLA clock passed a warning threshold.', slaEvent),
  slaBreached: define('sla.breached', 'counter-scheduling', 'An SLA clock passed its due time.', slaEvent),
  slaResolved: define('sla.resolved', 'counter-scheduling', 'A breached SLA clock stopped.', slaEvent),
  slaThresholdsChanged: define(
    'sla.thresholds-changed',
    'counter-scheduling',
    'A MANAGER changed the configurable thresholds; clocks started afterwards use them.',
    slaThresholdsChanged,
  ),
  slaFollowUpChanged: define(
    'sla.follow-up-changed',
    'counter-scheduling',
    'Someone acknowledged, assigned or noted an entry (one clock) of the SLA work list.',
    slaFollowUpChanged,
  ),
  slaDeadlineChanged: define(
    'sla.deadline-changed',
    'counter-scheduling',
    "An open clock's due time (or its provisional mark) changed because the working-day calendar changed (a year's notice loaded, a closure added or removed).",
    slaDeadlineChanged,
  ),
  ticketUnserved: define(
    'queue.ticket-unserved',
    'counter-scheduling',
    'A ticket still waiting when its counter closed for the day (`at` = the closing time).',
    ticket,
  ),
  ticketWithdrawn: define(
    'queue.ticket-withdrawn',
    'counter-scheduling',
    'A ticket still waiting when the agency withdrew its case left the queue (`at` = the withdrawal, never before the check-in). A ticket already called to a window or being served stays there.',
    ticketWithdrawn,
  ),
  ticketRecalled: define(
    'queue.ticket-recalled',
    'counter-scheduling',
    'A called ticket announced again at its window; the hall display shows it again.',
    ticket,
  ),
  windowOpened: define(
    'counter.window-opened',
    'counter-scheduling',
    'A clerk took a window of a counter for the day.',
    counterWindow,
  ),
  windowClosed: define(
    'counter.window-closed',
    'counter-scheduling',
    'A window was closed: the clerk left it, moved to another, or another clerk closed it.',
    counterWindow,
  ),
  // platform (appended by whoever edits the calendar: counter-scheduling's manager mutations)
  calendarChanged: define(
    'calendar.changed',
    'counter-scheduling',
    'The working-day calendar changed; every deadline in these years is recomputed.',
    calendarChanged,
  ),
} as const;

type Catalogue = typeof EVENT_CATALOGUE;
type AnyDefinition = Catalogue[keyof Catalogue];

/** Every event type, by name (`EVENT_TYPES.caseSubmitted` is `'case.submitted'`). */
export const EVENT_TYPES = Object.fromEntries(Object.entries(EVENT_CATALOGUE).map(([k, d]) => [k, d.type])) as {
  readonly [K in keyof Catalogue]: Catalogue[K]['type'];
};
export type EventType = AnyDefinition['type'];

type DefinitionOf<T extends EventType> = Extract<AnyDefinition, { type: T }>;
/** The payload of `T` as a producer writes it (JSON: instants are ISO strings). */
export type EventPayload<T extends EventType> = z.input<DefinitionOf<T>['payload']>;
/** The payload of `T` as a consumer gets it from the decoder (instants are `Date`s). */
export type DecodedPayload<T extends EventType> = z.output<DefinitionOf<T>['payload']>;

const BY_TYPE: ReadonlyMap<string, AnyDefinition> = new Map(
  Object.values(EVENT_CATALOGUE).map((d) => [d.type, d as AnyDefinition]),
);

/** The catalogue's entry for `type`, or undefined for a type it does not list. */
export function eventDefinition(type: string): EventDefinition | undefined {
  return BY_TYPE.get(type);
}

/** True when `type` is in the catalogue. */
export function isEventType(type: string): type is EventType {
  return BY_TYPE.has(type);
}

/** The outcome of {@link decodeEventPayload}. */
export type PayloadDecoding<T extends EventType> =
  { ok: true; payload: DecodedPayload<T> } | { ok: false; problems: string };

/**
 * Decodes a payload read from the log against the catalogue: checks every field and turns
 * instants into `Date`s. Unknown fields are dropped (a newer producer may add optional ones).
 */
export function decodeEventPayload<T extends EventType>(type: T, payload: unknown): PayloadDecoding<T> {
  const def = BY_TYPE.get(type);
  if (!def) return { ok: false, problems: `${type} is not in the event catalogue` };
  const r = def.payload.safeParse(payload);
  return r.success
    ? { ok: true, payload: r.data as DecodedPayload<T> }
    : { ok: false, problems: z.prettifyError(r.error).replace(/\n\s*/g, ' ') };
}

// The payloads by their former names, as written (producers build these).
export type CaseSubmittedPayload = EventPayload<'case.submitted'>;
export type CaseReturnedPayload = EventPayload<'case.returned'>;
export type CasePreExamPassedPayload = EventPayload<'case.pre-exam-passed'>;
export type CaseStatusChangedPayload = EventPayload<'case.status-changed'>;
export type MaterialsChangedPayload = EventPayload<'work-permit.materials-changed'>;
export type InterviewRequirementPayload = EventPayload<'residence-permit.interview-requirement-changed'>;
export type PermitIssuedPayload = EventPayload<'work-permit.issued'>;
export type PermitRefusedPayload = EventPayload<'work-permit.refused'>;
export type DocumentsAcceptedPayload = EventPayload<'case.documents-accepted'>;
export type ClaimRecordedPayload = EventPayload<'case.claim-recorded'>;
export type AppointmentPayload = EventPayload<'appointment.booked'>;
export type TicketPayload = EventPayload<'queue.ticket-issued'>;
export type TicketWithdrawnPayload = EventPayload<'queue.ticket-withdrawn'>;
export type CounterWindowPayload = EventPayload<'counter.window-opened'>;
export type SlaEventPayload = EventPayload<'sla.breached'>;
export type SlaFollowUpChangedPayload = EventPayload<'sla.follow-up-changed'>;
export type CalendarChangedPayload = EventPayload<'calendar.changed'>;
export type SlaThresholdsChangedPayload = EventPayload<'sla.thresholds-changed'>;
export type SlaDeadlineChangedPayload = EventPayload<'sla.deadline-changed'>;
export type ResidencePermitCreatedPayload = EventPayload<'residence-permit.created'>;
export type InterviewExemptionDeclaredPayload = EventPayload<'residence-permit.interview-exemption-declared'>;
export type InterviewDemandedPayload = EventPayload<'residence-permit.interview-demanded'>;
export type VerificationPayload = EventPayload<'residence-permit.verification-recorded'>;
export type PassportReleasedPayload = EventPayload<'residence-permit.passport-released'>;
export type CaseWithdrawnPayload = EventPayload<'case.withdrawn'>;
export type CaseReadyForClaimPayload = EventPayload<'case.ready-for-claim'>;
export type CaseDeadlineChangedPayload = EventPayload<'case.deadline-changed'>;
export type CounterLoadChangedPayload = EventPayload<'counter.load-changed'>;
export type CounterChangedPayload = EventPayload<'counter.changed'>;
