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
  // residence-permit
  residencePermitCreated: 'residence-permit.created',
  residenceMaterialsChanged: 'residence-permit.materials-changed',
  interviewRequirementChanged: 'residence-permit.interview-requirement-changed',
  verificationRecorded: 'residence-permit.verification-recorded',
  residencePermitIssued: 'residence-permit.issued',
  residencePermitRefused: 'residence-permit.refused',
  passportReleased: 'residence-permit.passport-released',
  // counter-scheduling
  appointmentBooked: 'appointment.booked',
  appointmentCancelled: 'appointment.cancelled',
  appointmentRescheduled: 'appointment.rescheduled',
  appointmentNoShow: 'appointment.no-show',
  ticketIssued: 'queue.ticket-issued',
  ticketCalled: 'queue.ticket-called',
  serviceStarted: 'queue.service-started',
  serviceCompleted: 'queue.service-completed',
  documentsAccepted: 'case.documents-accepted',
  claimRecorded: 'case.claim-recorded',
  counterChanged: 'counter.changed',
  counterLoadChanged: 'counter.load-changed',
  slaWarning: 'sla.warning',
  slaBreached: 'sla.breached',
  slaResolved: 'sla.resolved',
  slaThresholdsChanged: 'sla.thresholds-changed',
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
  /** An interview is recorded as completed. */
  satisfied: boolean;
  /** An interview is scheduled (acceptance allows "satisfied or scheduled"). */
  scheduled: boolean;
  reason: string;
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

/** calendar.changed: the working-day calendar changed; every deadline in these years is recomputed. */
export interface CalendarChangedPayload {
  years: number[];
  reason: string;
}
