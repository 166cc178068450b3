import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { can, type Action, type Resource } from '../auth/assert-can.js';
import type { Clock } from '../clock.js';
import type { EventPayload, EventType } from '../domain/domain-events.js';
import type { EventStore, NewEvent } from '../events/event-store.js';
import { newEvent } from '../events/new-event.js';
import {
  assertIdempotencyKey,
  IdempotencyLedger,
  keyReusedError,
  type IdempotentRequest,
  type PriorAttempt,
} from './idempotency-ledger.js';

/** Who runs a command: a person (from their token), or the system (an event consumer, a sweep). */
export type CommandAuthor =
  | { kind: 'person'; actor: Actor }
  | {
      kind: 'system';
      name: string;
      /**
       * Optional: the fact the system applies (another subgraph's event), whose author and time
       * the command's writes and events keep. Without it: nobody, and the clock's now.
       */
      cause?: { actorId: string | null; at: Date };
    };

/** What the events a command appends are about: their aggregate and scoping. */
export interface EventSubject {
  aggregateId: string;
  employerId: string | null;
  counterId?: string | null;
}

/** What `execute` gets: the transaction, who, when, and how to append events. */
export interface CommandContext {
  tx: EntityManager;
  /** The person, or null when the system runs the command. */
  actor: Actor | null;
  /** Who runs the command (for the system: its name, and the fact it applies, if any). */
  author: CommandAuthor;
  /** Business time of the command (the injected clock, or the time of the fact a system command applies), the same for every write and event. */
  now: Date;
  /**
   * Appends a typed event with the command (the payload's type follows from the event type),
   * about `subject` or, by default, the command's target. Appended last, in the same transaction.
   */
  emit<T extends EventType>(type: T, payload: EventPayload<T>, subject?: Partial<EventSubject>): void;
}

/** How a command that takes an idempotency key replays. */
export interface CommandIdempotency<I, R> {
  /** The key sent with the input; null/undefined when the client sent none. */
  key(input: I): string | null | undefined;
  /** A key must be sent (an agency's filings and bookings). Otherwise a command without one just runs. */
  required?: boolean;
  /** Whose key it is (default: the acting person's id). */
  principal?(actor: Actor, input: I): string;
  /** The request that a retry must repeat exactly (the input without the key, by default). */
  request?(input: I): unknown;
  /** The id to remember of the answer, to read it back on a retry. */
  resultId(result: R): string | null;
  /** Reads the earlier attempt's answer back, by the id `resultId` gave. */
  replay(tx: EntityManager, resultId: string | null, input: I): Promise<R>;
  /** The CONFLICT for a reused key; the default names the earlier operation. */
  reused?(tx: EntityManager, prior: PriorAttempt, input: I): Promise<Error>;
  /**
   * Optional: whether an earlier attempt whose request the ledger holds in another form (a key
   * copied from before the upgrade, when its request could not be rebuilt exactly) is this
   * request after all. Asked only for the same operation when the canonical requests differ; true replays it.
   */
  sameAs?(prior: PriorAttempt, input: I): boolean;
}

/**
 * Everything one command says about itself. The pipeline runs its parts in this order, in one
 * transaction: load and lock the target → authorise and scope (out of scope reads as NOT_FOUND)
 * → idempotent replay (the ledger) → the domain's own replay → the declared rules → execute →
 * remember the answer for the key → the events, appended last.
 */
export interface CommandSpec<I, T, R> {
  /** The operation, as the GraphQL mutation names it (logs, the ledger). */
  name: string;
  /** What the actor must be allowed to do on the target (`can(actor, action, resource(target))`). */
  action: Action;
  /**
   * Finds and locks what the command changes (`FOR UPDATE`: concurrent commands on one target
   * take turns), or returns null when it does not exist. For a command that creates, what the
   * new record belongs to (the employer, the slot).
   */
  load(tx: EntityManager, input: I): Promise<T | null>;
  /** The employer / counter of the target, for the scope check. */
  resource(target: T, input: I): Resource;
  /** The error for a target that does not exist or is out of the actor's scope (the same on purpose). */
  notFound(input: I): Error;
  /** The target's aggregate and scoping, for the events `execute` emits. */
  subject(target: T, input: I): EventSubject;
  idempotency?: CommandIdempotency<I, R>;
  /**
   * A request already carried out in substance (the same decision, the same outcome) answers
   * with its result and changes nothing; null to go on. Runs before the rules on purpose: a
   * retry that arrives after the target moved on still gets its original answer.
   */
  replay?(tx: EntityManager, target: T, input: I): Promise<R | null>;
  /** The declared rules of the transition: throws the domain's error when the state does not allow it. */
  rules?(target: T, input: I, now: Date): void;
  /** The change itself: writes with `cx.tx`, appends events with `cx.emit`. */
  execute(cx: CommandContext, target: T, input: I): Promise<R>;
}

/** What the pipeline runs on: a subgraph's database, clock, event log and name. */
export interface CommandPipelineDeps {
  subgraph: string;
  ds: DataSource;
  clock: Clock;
  events: EventStore;
}

/**
 * The one command pipeline of every subgraph (issue 17, decision 0022). Resolvers call
 * `assertCan` for the role, services describe each command as a {@link CommandSpec}, and this
 * runs it the same way everywhere. A failure anywhere rolls back the change, its events and its
 * idempotency record together.
 */
export class CommandPipeline {
  readonly ledger: IdempotencyLedger;

  constructor(private readonly deps: CommandPipelineDeps) {
    this.ledger = new IdempotencyLedger(deps.subgraph);
  }

  /** Runs a person's command in a transaction of its own. */
  async run<I, T, R>(actor: Actor, spec: CommandSpec<I, T, R>, input: I): Promise<R> {
    const key = spec.idempotency?.key(input);
    if (spec.idempotency && (spec.idempotency.required || (key !== null && key !== undefined)))
      assertIdempotencyKey(key);
    return this.deps.ds.transaction((tx) => this.runIn(tx, { kind: 'person', actor }, spec, input));
  }

  /**
   * Runs a command inside a transaction the caller holds (an event consumer's, so its effect and
   * the consumer's position commit together). The system is not authorised or scoped.
   */
  async runIn<I, T, R>(tx: EntityManager, author: CommandAuthor, spec: CommandSpec<I, T, R>, input: I): Promise<R> {
    const actor = author.kind === 'person' ? author.actor : null;
    const target = await spec.load(tx, input);
    if (target === null || (actor && !can(actor, spec.action, spec.resource(target, input))))
      throw spec.notFound(input);
    const cause = author.kind === 'system' ? author.cause : undefined;
    const now = cause?.at ?? this.deps.clock.now();
    const claim = actor ? idempotentRequest(spec, actor, input) : null;
    if (claim) {
      const prior = await this.ledger.claim(tx, claim, now);
      if (prior) {
        if (!prior.sameRequest && !(prior.operation === spec.name && spec.idempotency!.sameAs?.(prior, input)))
          throw spec.idempotency!.reused
            ? await spec.idempotency!.reused(tx, prior, input)
            : keyReusedError(claim.key, prior);
        return spec.idempotency!.replay(tx, prior.resultId, input);
      }
    }
    const replayed = spec.replay ? await spec.replay(tx, target, input) : null;
    if (replayed !== null) {
      if (claim) await this.ledger.record(tx, claim, spec.idempotency!.resultId(replayed));
      return replayed;
    }
    spec.rules?.(target, input, now);
    const subject = spec.subject(target, input);
    const events: NewEvent[] = [];
    const cx: CommandContext = {
      tx,
      actor,
      author,
      now,
      emit: (type, payload, about) => {
        const s = { ...subject, ...about };
        events.push(
          newEvent<EventType>(type, s.aggregateId, payload, {
            employerId: s.employerId,
            counterId: s.counterId ?? null,
            actor: actor ?? (cause ? { id: cause.actorId } : null),
            at: now,
          }),
        );
      },
    };
    const result = await spec.execute(cx, target, input);
    if (claim) await this.ledger.record(tx, claim, spec.idempotency!.resultId(result));
    if (events.length) await this.deps.events.append(tx, events);
    return result;
  }
}

function idempotentRequest<I, T, R>(spec: CommandSpec<I, T, R>, actor: Actor, input: I): IdempotentRequest | null {
  const idem = spec.idempotency;
  if (!idem) return null;
  const key = idem.key(input);
  if (key === null || key === undefined) return null;
  return {
    principal: idem.principal ? idem.principal(actor, input) : actor.id,
    key,
    operation: spec.name,
    request: idem.request ? idem.request(input) : withoutKey(input),
  };
}

function withoutKey(input: unknown): unknown {
  if (!input || typeof input !== 'object') return input;
  const { idempotencyKey: _key, ...rest } = input as Record<string, unknown>;
  return rest;
}
