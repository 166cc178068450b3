/**
 * @onestop/common/contract: the contract between the subgraphs. The vocabulary of a case
 * (routes, categories, statuses), the regulatory deadlines, and the event catalogue with its
 * typed envelope: what one subgraph may say to another and how it is typed, appended and
 * decoded. The log itself (store, consumers) is platform runtime: `@onestop/common`.
 * docs/architecture.md draws the split.
 */
export {
  ROUTES,
  IN_MAINLAND_BASES,
  CATEGORIES,
  CASE_STATUSES,
  WITHDRAWABLE,
  PERMIT_DECISION_STATUSES,
  formatCaseReference,
  type Route,
  type InMainlandBasis,
  type Category,
  type CaseStatus,
  type PermitDecisionStatus,
} from './domain/case-lifecycle.js';
export {
  PRE_EXAM_WORKING_DAYS,
  ISSUANCE_WORKING_DAYS,
  DEFAULT_SLA_THRESHOLDS,
  preExamDue,
  issuanceDue,
  type SlaThresholds,
  type Deadline,
} from './domain/sla-rules.js';
export {
  EVENT_CATALOGUE,
  EVENT_TYPES,
  SLA_KINDS,
  SLA_FOLLOW_UP_ACTIONS,
  decodeEventPayload,
  eventDefinition,
  isEventType,
  type EventDefinition,
  type EventSource,
  type EventType,
  type EventPayload,
  type DecodedPayload,
  type PayloadDecoding,
  type SlaKind,
  type CaseSubmittedPayload,
  type CaseReturnedPayload,
  type CasePreExamPassedPayload,
  type CaseStatusChangedPayload,
  type MaterialsChangedPayload,
  type InterviewRequirementPayload,
  type PermitIssuedPayload,
  type PermitRefusedPayload,
  type DocumentsAcceptedPayload,
  type ClaimRecordedPayload,
  type AppointmentPayload,
  type TicketPayload,
  type TicketWithdrawnPayload,
  type CounterWindowPayload,
  type SlaEventPayload,
  type SlaFollowUpAction,
  type SlaFollowUpChangedPayload,
  type CalendarChangedPayload,
  type SlaThresholdsChangedPayload,
  type SlaDeadlineChangedPayload,
  type ResidencePermitCreatedPayload,
  type InterviewExemptionDeclaredPayload,
  type InterviewDemandedPayload,
  type VerificationPayload,
  type PassportReleasedPayload,
  type CaseWithdrawnPayload,
  type CaseReadyForClaimPayload,
  type CaseDeadlineChangedPayload,
  type CounterLoadChangedPayload,
  type CounterChangedPayload,
} from './domain/domain-events.js';
export { renderEventCatalogue } from './domain/event-catalogue-doc.js';
export type { DomainEvent, NewEvent, RawNewEvent, TypedEvent } from './events/event-store.js';
export { newEvent, type EventScope } from './events/new-event.js';
export { EventHandlers, EventDecodeError, decodeEvent, type TypedEventHandler } from './events/event-handlers.js';
