export {
  SubscriptionOverflowError,
  type DomainEvent,
  type NewEvent,
  type RawNewEvent,
  type TypedEvent,
  type EventStore,
  type EventSubscription,
  type Consumer,
  type EventHandler,
  type ReadOptions,
  type SubscribeOptions,
  type ConsumeOptions,
} from './event-store.js';
export { PostgresEventStore, EVENT_APPEND_LOCK, type PostgresEventStoreOptions } from './postgres-event-store.js';
export { EVENTS_CHANNEL } from './event-log-queries.js';
export { caseGateKey, lockCaseGate, lastCaseEvent } from './case-gate.js';
export { EventHandlers, EventDecodeError, decodeEvent, type TypedEventHandler } from './event-handlers.js';
export { newEvent, type EventScope } from './new-event.js';
