/**
 * The catalogue of domain events: the contract between subgraphs. A subgraph appends its
 * events in the same transaction as the change (transactional outbox) and reacts to the
 * others' through durable consumers. Types are `<aggregate>.<past-tense verb>`; payloads are
 * JSON (instants as ISO strings). Adding a field is compatible; renaming or removing one is
 * not. See docs/domain-events.md.
 */
import type { Category, Route } from './case-lifecycle.js';

/** Every event type, by the subgraph that appends it. */
export const EVENT_TYPES = {
  // work-permit
  caseSubmitted: 'case.submitted',
  caseReturned: 'case.returned',
  caseResubmitted: 'case.resubmitted',
  casePreExamPassed: 'case.pre-exam-passed',
  caseWithdrawn: 'case.withdrawn',
  caseStatusChanged: 'case.status-changed',
  workPermitMaterialsChanged: 'work-permit.materials-changed',
  workPermitIssued: 'work-permit.issued',
  workPermitRefused: 'work-permit.refused',
  caseReadyForClaim: 'case.ready-for-claim',
  caseDeadlineChanged: 'case.deadline-changed',
  // residence-permit
  residencePermitCreated: 'residence-permit.created',
  residenceMaterialsChanged: 'residence-permit.materials-changed',
  interviewRequirementChanged: 'residence-permit.interview-requirement-changed',
  verificationRecorded: 'residence-permit.verification-recorded',
  residencePermitIssued: 'residence-permit.issued',
  residencePermitRefused: 'residence-permit.refused',
  passportReleased: 'residence-permit.passport-released',
  interviewExemptionDeclared: 'residence-permit.interview-exemption-declared',
  interviewDemanded: 'residence-permit.interview-demanded',
  verificationScheduled: 'residence-permit.verification-scheduled',
  // counter-scheduling
  appointmentBooked: 'appointment.booked',
  appointmentCancelled: 'appointment.cancelled',
  appointmentRescheduled: 'appointment.rescheduled',
  appointmentNoShow: 'appointment.no-show',
  ticketIssued: 'queue.ticket-issued',
  ticketCalled: 'queue.ticket-called',
  serviceStarted: 'queue.service-started',
  serviceCompleted: 'queue.service-completed',
  ticketMissed: 'queue.ticket-missed',
  documentsAccepted: 'case.documents-accepted',
  claimRecorded: 'case.claim-recorded',
  counterChanged: 'counter.changed',
  counterLoadChanged: 'counter.load-changed',
  slaWarning: 'sla.warning',
  slaBreached: 'sla.breached',
  slaResolved: 'sla.resolved',
  slaThresholdsChanged: 'sla.thresholds-changed',
  slaDeadlineChanged: 'sla.deadline-changed',
  /** Someone acknowledged, assigned or noted an entry of the SLA work list (payload: SlaFollowUpChangedPayload). */
  slaFollowUpChanged: 'sla.follow-up-changed',
  /** A ticket still waiting when its counter closed for the day (payload: TicketPayload, `at` = the closing time). */
  ticketUnserved: 'queue.ticket-unserved',
  /**
   * A ticket still waiting when the agency withdrew its case: it left the queue (payload:
   * TicketWithdrawnPayload, `at` = the withdrawal, never before the check-in). A ticket already
   * called to a window or being served stays there.
   */
  ticketWithdrawn: 'queue.ticket-withdrawn',
  /** A called ticket announced again at its window (payload: TicketPayload); the hall display shows it again. */
  ticketRecalled: 'queue.ticket-recalled',
  /** A clerk took a window of a counter for the day (payload: CounterWindowPayload). */
  windowOpened: 'counter.window-opened',
  /** A window was closed: the clerk left it, moved to another, or another clerk closed it (payload: CounterWindowPayload). */
  windowClosed: 'counter.window-closed',
  // platform (appended by whoever edits the calendar: counter-scheduling's manager mutations)
  calendarChanged: 'calendar.changed',
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** case.submitted and case.resubmitted: what the other subgraphs need to know of a filing. */
export interface CaseSubmittedPayload {
  caseId: string;
  reference: string;
  employerId: string;
  agencyId: string;
  category: Category;
  route: Route;
  applicant: { fullName: string; nationality: string; dateOfBirth: string; sex: string };
  /** Filing date (Asia/Shanghai, YYYY-MM-DD): the interview rule's age is computed on it. */
  filedOn: string;
  submittedAt: string;
  preExamDueAt: string;
  preExamDueProvisional: boolean;
  /** true for case.resubmitted */
  resubmission?: boolean;
}

/** case.returned: the one-time notification, listing every item to correct. */
export interface CaseReturnedPayload {
  caseId: string;
  items: { field: string; problem: string }[];
  returnedAt: string;
}

/** case.pre-exam-passed */
export interface CasePreExamPassedPayload {
  caseId: string;
  category: Category;
  passedAt: string;
}

/** case.status-changed: every lifecycle move, for timelines and live views. */
export interface CaseStatusChangedPayload {
  caseId: string;
  reference: string;
  from: string;
  to: string;
  category: Category;
}

/** *.materials-changed: a checklist after a clerk recorded an item. `missing` lists what blocks acceptance. */
export interface MaterialsChangedPayload {
  caseId: string;
  complete: boolean;
  missing: string[];
}

/** residence-permit.interview-requirement-changed */
export interface InterviewRequirementPayload {
  caseId: string;
  required: boolean;
  /**
   * The requirement is met: no interview is required, or a face-to-face interview is recorded
   * as completed. (So acceptance can test `satisfied || scheduled` alone.)
   */
  satisfied: boolean;
  /** An interview is scheduled (acceptance allows "satisfied or scheduled"). */
  scheduled: boolean;
  reason: string;
  /** A face-to-face interview is recorded as completed (whether or not one was required). */
  completed?: boolean;
  /** The exemptions that apply (AGED_60_OR_OVER, MOBILITY_ISSUES, RENEWAL, HIGH_LEVEL_TALENT, URGENTLY_NEEDED_SPECIALIST). */
  exemptions?: string[];
}

/** work-permit.issued / residence-permit.issued */
export interface PermitIssuedPayload {
  caseId: string;
  permitNumber: string;
  validFrom: string;
  validUntil: string;
  decidedAt: string;
}

/** work-permit.refused / residence-permit.refused */
export interface PermitRefusedPayload {
  caseId: string;
  reasons: string[];
  decidedAt: string;
}

/** case.documents-accepted: the counter accepted the paper materials and holds the passport. */
export interface DocumentsAcceptedPayload {
  caseId: string;
  counterId: string;
  receiptNumber: string;
  acceptedAt: string;
  issuanceDueAt: string;
  issuanceDueProvisional: boolean;
}

/** case.claim-recorded: permits and passport handed back together. */
export interface ClaimRecordedPayload {
  caseId: string;
  counterId: string;
  claimedAt: string;
}

/** appointment.* */
export interface AppointmentPayload {
  appointmentId: string;
  caseId: string;
  counterId: string;
  letterNumber: string;
  slotStart: string;
  slotEnd: string;
  /** appointment.rescheduled: the appointment it replaces. */
  replacesAppointmentId?: string;
  reason?: string;
}

/** queue.* */
export interface TicketPayload {
  ticketId: string;
  ticketNumber: string;
  caseId: string;
  counterId: string;
  window?: number;
  at: string;
  /**
   * Set on `queue.service-completed` and `queue.ticket-missed` when the closing sweep closed a
   * ticket still at a window as its counter closed for the day (`at` = the closing time), not
   * a clerk: so a window never carries a ticket into the next day.
   */
  closedAtEndOfDay?: boolean;
}

/** queue.ticket-withdrawn: a waiting ticket taken out of the queue because the agency withdrew its case. */
export interface TicketWithdrawnPayload extends TicketPayload {
  /** The `case.withdrawn` event that took the ticket out of the queue. */
  withdrawalEventId: string;
}

/** counter.window-opened and counter.window-closed: who is at which window of a counter, that day. */
export interface CounterWindowPayload {
  counterId: string;
  window: number;
  /** YYYY-MM-DD, Asia/Shanghai. */
  serviceDate: string;
  clerkId: string;
  clerkName: string;
  at: string;
}

/** The SLA clocks (DOMAIN.md: time rules). */
export const SLA_KINDS = ['PRE_EXAMINATION', 'ISSUANCE', 'COUNTER_WAIT', 'PASSPORT_CUSTODY'] as const;
export type SlaKind = (typeof SLA_KINDS)[number];

/** sla.warning / sla.breached / sla.resolved */
export interface SlaEventPayload {
  clockId: string;
  caseId: string;
  kind: SlaKind;
  /** 50 or 75 for warnings, 100 for a breach. */
  threshold: number;
  counterId: string | null;
  category: Category;
  dueAt: string;
  at: string;
}

/** What a person did to an entry of the SLA work list. */
export const SLA_FOLLOW_UP_ACTIONS = ['ACKNOWLEDGED', 'ASSIGNED', 'NOTED'] as const;
export type SlaFollowUpAction = (typeof SLA_FOLLOW_UP_ACTIONS)[number];

/** sla.follow-up-changed: an SLA work-list entry (one clock) was acknowledged, assigned or noted. */
export interface SlaFollowUpChangedPayload {
  clockId: string;
  caseId: string;
  kind: SlaKind;
  counterId: string | null;
  action: SlaFollowUpAction;
  /** The threshold acknowledged (ACKNOWLEDGED only). */
  threshold: number | null;
  /** The person assigned (ASSIGNED only). */
  assigneeId: string | null;
  at: string;
}

/** calendar.changed: the working-day calendar changed; every deadline in these years is recomputed. */
export interface CalendarChangedPayload {
  years: number[];
  reason: string;
}

/** sla.thresholds-changed: a MANAGER changed the configurable thresholds; clocks started afterwards use them. */
export interface SlaThresholdsChangedPayload {
  previous: { counterWaitMinutes: number; passportCustodyWorkingDays: number; warningPercents: number[] };
  current: { counterWaitMinutes: number; passportCustodyWorkingDays: number; warningPercents: number[] };
}

/**
 * sla.deadline-changed: an open clock's due time (or its provisional mark) changed because the
 * working-day calendar changed (a year's notice loaded, a closure added or removed).
 */
export interface SlaDeadlineChangedPayload {
  clockId: string;
  caseId: string;
  kind: SlaKind;
  counterId: string | null;
  previousDueAt: string;
  dueAt: string;
  previousProvisional: boolean;
  provisional: boolean;
  /** The calendar years whose change caused the recomputation. */
  years: number[];
  reason: string;
}

/** residence-permit.created: the residence-permit application exists (reaction to case.submitted). */
export interface ResidencePermitCreatedPayload {
  caseId: string;
  residencePermitId: string;
  status: string;
  materials: Omit<MaterialsChangedPayload, 'caseId'>;
  interview: Omit<InterviewRequirementPayload, 'caseId'>;
}

/** residence-permit.interview-exemption-declared: the grounds an agency claims, and whether a proxy represents the applicant. */
export interface InterviewExemptionDeclaredPayload {
  caseId: string;
  grounds: string[];
  /** INVITING_UNIT or SPECIALISED_AGENCY; null when no proxy is recorded. */
  proxyKind: string | null;
  declaredAt: string;
}

/** residence-permit.interview-demanded: Exit-Entry demands an interview (also of an exempt applicant). */
export interface InterviewDemandedPayload {
  caseId: string;
  reason: string;
  demandedAt: string;
}

/** residence-permit.verification-scheduled / residence-permit.verification-recorded */
export interface VerificationPayload {
  caseId: string;
  verificationId: string;
  /** FACE_TO_FACE_INTERVIEW, TELEPHONE_INTERVIEW or ON_SITE_INVESTIGATION */
  kind: string;
  scheduledAt: string;
  /** verification-recorded only: CONFIRMED, DISCREPANCY or NO_SHOW. */
  outcome?: string;
  recordedAt?: string;
}

/** residence-permit.passport-released: the passport went back to the applicant (at the claim). */
export interface PassportReleasedPayload {
  caseId: string;
  counterId: string | null;
  heldSince: string;
  releasedAt: string;
}

/** case.withdrawn: the agency withdrew the case before acceptance. */
export interface CaseWithdrawnPayload {
  caseId: string;
  reference: string;
  /** The status the case was in. */
  from: string;
  reason: string | null;
  withdrawnAt: string;
}

/** case.ready-for-claim: both permits are decided; the counter may hand them over with the passport. */
export interface CaseReadyForClaimPayload {
  caseId: string;
  reference: string;
  workPermit: string;
  residencePermit: string;
  readyAt: string;
}

/**
 * case.deadline-changed: the pre-examination due time of an open (SUBMITTED) case changed
 * because the working-day calendar changed. Appended only when the due time or its
 * provisional mark actually changed.
 */
export interface CaseDeadlineChangedPayload {
  caseId: string;
  reference: string;
  category: Category;
  kind: 'PRE_EXAMINATION';
  previousDueAt: string;
  dueAt: string;
  previousProvisional: boolean;
  provisional: boolean;
  /** The calendar years whose change caused the recomputation. */
  years: number[];
}

/** counter.load-changed: something changed the live load of this counter (a ticket, an appointment, its settings). */
export interface CounterLoadChangedPayload {
  counterId: string;
  /** The event type of the change, e.g. `queue.ticket-issued`. */
  cause: string;
}

/** counter.changed: a MANAGER changed a counter's settings or an opening exception. */
export interface CounterChangedPayload {
  counterId: string;
  /** The fields changed, e.g. `windows`, `openingHours`, `exception:2026-12-24`. */
  changed: string[];
}
