/**
 * The event contract, both ways. The `@ts-expect-error` lines are checked by the type-check
 * (`tsc -b`, part of the test command): each must fail to compile, so a payload field renamed
 * on the producer's side, or read under another name on the consumer's, breaks the build.
 * The `it` blocks check the runtime decoder.
 */
import { describe, expect, it } from 'vitest';
import type { EntityManager } from 'typeorm';
import { EventHandlers, decodeEvent, EventDecodeError } from '../events/event-handlers.js';
import { newEvent } from '../events/new-event.js';
import type { DomainEvent, EventStore, NewEvent } from '../events/event-store.js';
import { EVENT_CATALOGUE, EVENT_TYPES, decodeEventPayload, type DecodedPayload } from './domain-events.js';

const scope = { employerId: 'e-1', counterId: 'chaoyang-cbd', actor: null, at: new Date('2026-12-01T02:00:00Z') };
const accepted = {
  caseId: 'c-1',
  counterId: 'chaoyang-cbd',
  receiptNumber: 'RA-2026-000001',
  acceptedAt: '2026-12-01T02:00:00.000Z',
  issuanceDueAt: '2026-12-08T09:00:00.000Z',
  issuanceDueProvisional: false,
};

/** Compile-time only: never called. */
export function producerSide(store: EventStore, tx: EntityManager): void {
  void store.append(tx, [newEvent(EVENT_TYPES.documentsAccepted, 'c-1', accepted, scope)]);

  // A field renamed by the producer (receiptNumber → receiptNo) does not compile:
  void newEvent(
    EVENT_TYPES.documentsAccepted,
    'c-1',
    // @ts-expect-error receiptNo is not a field of case.documents-accepted (receiptNumber is missing)
    { ...accepted, receiptNumber: undefined, receiptNo: 'RA-2026-000001' },
    scope,
  );
  const { receiptNumber: _dropped, ...withoutReceipt } = accepted;
  // @ts-expect-error a required field left out does not compile either
  void newEvent(EVENT_TYPES.documentsAccepted, 'c-1', withoutReceipt, scope);
  // @ts-expect-error an instant is written as an ISO string, not a Date
  void newEvent(EVENT_TYPES.claimRecorded, 'c-1', { caseId: 'c-1', counterId: 'x', claimedAt: new Date() }, scope);

  const envelope = { aggregateId: 'c-1', employerId: null, counterId: null, actorId: null, occurredAt: new Date() };
  const otherPayload = { ...envelope, type: EVENT_TYPES.claimRecorded, payload: accepted } as const;
  // @ts-expect-error the payload of another type does not fit case.claim-recorded
  void store.append(tx, [otherPayload]);
  const unknownType = { ...envelope, type: 'case.teleported', payload: {} } as const;
  // @ts-expect-error a type the catalogue does not list cannot be appended
  void store.append(tx, [unknownType]);
  const typed: NewEvent<'case.claim-recorded'> = {
    ...envelope,
    type: EVENT_TYPES.claimRecorded,
    payload: { caseId: 'c-1', counterId: 'x', claimedAt: '2026-12-01T02:00:00.000Z' },
  };
  void store.append(tx, [typed]);
}

/** Compile-time only: never called. */
export function consumerSide(): EventHandlers {
  return new EventHandlers()
    .on(EVENT_TYPES.documentsAccepted, async (e) => {
      const receipt: string = e.payload.receiptNumber;
      const at: Date = e.payload.acceptedAt;
      // @ts-expect-error a field read under another name (a rename on one side) does not compile
      void e.payload.receiptNo;
      // @ts-expect-error the decoder turned the ISO string into a Date
      const asText: string = e.payload.acceptedAt;
      void [receipt, at, asText];
    })
    .on([EVENT_TYPES.workPermitIssued, EVENT_TYPES.workPermitRefused], async (e) => {
      if (e.type === EVENT_TYPES.workPermitIssued) void e.payload.permitNumber;
      else void e.payload.reasons;
      // @ts-expect-error only the issued event has a permit number
      void e.payload.permitNumber;
    });
}

function raw(type: string, payload: unknown): DomainEvent<unknown> {
  const at = new Date('2026-12-01T02:00:00Z');
  return {
    id: '42',
    type,
    source: 'counter-scheduling',
    aggregateId: 'c-1',
    employerId: 'e-1',
    counterId: null,
    payload,
    actorId: null,
    occurredAt: at,
    recordedAt: at,
  };
}

describe('the event catalogue', () => {
  it('lists each type once, and EVENT_TYPES names exactly its types', () => {
    const types = Object.values(EVENT_CATALOGUE).map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    expect(Object.values(EVENT_TYPES).sort()).toEqual([...types].sort());
  });

  it('decodes a payload as written: instants become Dates, unknown fields are dropped, dates stay text', () => {
    const decoded = decodeEventPayload(EVENT_TYPES.workPermitIssued, {
      caseId: 'c-1',
      permitNumber: 'P-1',
      validFrom: '2026-12-01',
      validUntil: '2027-12-01',
      decidedAt: '2026-12-01T02:00:00.000Z',
      addedLater: true,
    });
    expect(decoded).toEqual({
      ok: true,
      payload: {
        caseId: 'c-1',
        permitNumber: 'P-1',
        validFrom: '2026-12-01',
        validUntil: '2027-12-01',
        decidedAt: new Date('2026-12-01T02:00:00.000Z'),
      } satisfies DecodedPayload<'work-permit.issued'>,
    });
  });

  it('names every problem of a payload that does not decode', () => {
    const decoded = decodeEventPayload(EVENT_TYPES.documentsAccepted, {
      ...accepted,
      acceptedAt: 'yesterday',
      receiptNumber: 7,
    });
    expect(decoded.ok).toBe(false);
    const problems = decoded.ok ? '' : decoded.problems;
    expect(problems).toContain('acceptedAt');
    expect(problems).toContain('not an ISO 8601 instant');
    expect(problems).toContain('receiptNumber');
  });

  it('decodeEvent throws EventDecodeError for a bad payload, an uncatalogued type or an unexpected one', () => {
    expect(decodeEvent(raw(EVENT_TYPES.documentsAccepted, accepted)).payload).toMatchObject({
      receiptNumber: 'RA-2026-000001',
      acceptedAt: new Date(accepted.acceptedAt),
    });
    expect(() => decodeEvent(raw(EVENT_TYPES.documentsAccepted, { caseId: 'c-1' }))).toThrow(EventDecodeError);
    expect(() => decodeEvent(raw('case.teleported', {}))).toThrow(/not match the event catalogue/);
    expect(() => decodeEvent(raw(EVENT_TYPES.documentsAccepted, accepted), [EVENT_TYPES.claimRecorded])).toThrow(
      /expected case.claim-recorded/,
    );
  });

  it('EventHandlers: reads the types registered, runs the one handler of each, decoded; refuses a type registered twice', async () => {
    const seen: string[] = [];
    const handlers = new EventHandlers()
      .on(EVENT_TYPES.documentsAccepted, async (e) => void seen.push(`accepted ${e.payload.acceptedAt.toISOString()}`))
      .on([EVENT_TYPES.slaWarning, EVENT_TYPES.slaBreached], async (e) => void seen.push(e.type));
    expect(handlers.types).toEqual([EVENT_TYPES.documentsAccepted, EVENT_TYPES.slaWarning, EVENT_TYPES.slaBreached]);
    await handlers.handle(raw(EVENT_TYPES.documentsAccepted, accepted), {} as EntityManager);
    await handlers.handle(raw(EVENT_TYPES.claimRecorded, {}), {} as EntityManager);
    expect(seen).toEqual(['accepted 2026-12-01T02:00:00.000Z']);
    await expect(handlers.handle(raw(EVENT_TYPES.documentsAccepted, {}), {} as EntityManager)).rejects.toBeInstanceOf(
      EventDecodeError,
    );
    expect(() => handlers.on(EVENT_TYPES.slaWarning, async () => undefined)).toThrow(/Two handlers/);
  });
});
