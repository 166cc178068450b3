import type { EntityManager } from 'typeorm';
import { InvariantError, OneStopError } from '../errors.js';
import { decodeEventPayload, isEventType, type EventType } from '../domain/domain-events.js';
import type { DomainEvent, TypedEvent } from './event-store.js';

/**
 * An event read from the log does not decode against the catalogue (a field missing or of the
 * wrong type, a type the catalogue does not list). Thrown at the consumer boundary, before any
 * handler runs: a durable consumer parks the event (decision 0021), a subscription or a
 * command reading the log fails with it, never silently.
 */
export class EventDecodeError extends OneStopError {
  constructor(
    readonly event: Pick<DomainEvent, 'id' | 'type' | 'source'>,
    readonly problems: string,
  ) {
    super(
      `Event ${event.id} (${event.type} from ${event.source}) does not match the event catalogue: ${problems}`,
      'INTERNAL_SERVER_ERROR',
      { eventId: event.id, eventType: event.type },
    );
  }
}

/**
 * Decodes a raw event from the log against the catalogue: the payload checked and its instants
 * turned into `Date`s. `types`, when given, also checks the event is one of them.
 * @throws EventDecodeError when it does not decode.
 */
export function decodeEvent<T extends EventType>(event: DomainEvent<unknown>, types?: readonly T[]): TypedEvent<T> {
  if (!isEventType(event.type) || (types && !(types as readonly string[]).includes(event.type))) {
    throw new EventDecodeError(event, `expected ${types ? types.join(' or ') : 'a catalogued type'}`);
  }
  const decoded = decodeEventPayload(event.type, event.payload);
  if (!decoded.ok) throw new EventDecodeError(event, decoded.problems);
  return { ...event, type: event.type, payload: decoded.payload } as TypedEvent<T>;
}

/** Handles one decoded event inside the consumer's transaction. */
export type TypedEventHandler<T extends EventType> = (event: TypedEvent<T>, tx: EntityManager) => Promise<void>;

/**
 * A consumer's handlers by event type: `new EventHandlers().on(EVENT_TYPES.caseSubmitted, (e, tx) =>
 * …)`. The handler's event is typed and decoded by the catalogue; pass it to
 * `EventStore.consume`, which reads exactly the types registered here.
 */
export class EventHandlers {
  private readonly byType = new Map<string, (event: DomainEvent<unknown>, tx: EntityManager) => Promise<void>>();

  /** Registers `handler` for one type or several (then `event.type` tells which). */
  on<T extends EventType>(types: T | readonly T[], handler: TypedEventHandler<T>): this {
    for (const type of typeof types === 'string' ? [types] : types) {
      if (this.byType.has(type)) throw new InvariantError(`Two handlers for ${type}: register each type once.`);
      this.byType.set(type, (event, tx) => handler(decodeEvent<T>(event), tx));
    }
    return this;
  }

  /** The types that have a handler. */
  get types(): EventType[] {
    return [...this.byType.keys()] as EventType[];
  }

  /**
   * Decodes `event` and runs its handler.
   * @throws EventDecodeError before any handler runs when the event does not decode.
   */
  async handle(event: DomainEvent<unknown>, tx: EntityManager): Promise<void> {
    await this.byType.get(event.type)?.(event, tx);
  }
}
