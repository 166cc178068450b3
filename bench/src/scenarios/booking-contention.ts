import { GraphQLRequestError } from '../lib/graphql-client.js';
import { benchApi, createCases } from '../lib/fixtures.js';
import type { ScenarioReport } from '../lib/results.js';
import { isoDate } from '../simulator/steps.js';
import { round } from '../lib/stats.js';
import type { Scenario, ScenarioContext } from './scenario.js';

const PRESETS = {
  full: { bookings: 200, places: 10 },
  smoke: { bookings: 12, places: 3 },
};

/**
 * Booking contention: N agencies' bookings of the same slot, sent at once through the
 * gateway, for a slot with P places. Exactly P must be booked; the rest refused.
 */
export async function runBookingContention(
  ctx: ScenarioContext,
  opts: { bookings: number; places: number } = PRESETS[ctx.scale],
  scenario = 'booking-contention',
): Promise<ScenarioReport> {
  const { sys } = ctx;
  // Spread over every gateway instance (one unless the system runs replicas), round-robin.
  const gateways = sys.gateways;
  const b = await benchApi(sys);
  const counter = b.counters.find((c) => c.id === 'fengtai') ?? b.counters[0]!;
  // Test-data setup: the counter's capacity per slot becomes exactly the number of places.
  await sys.sql.query('UPDATE cs.service_counter SET capacity_per_slot = $1 WHERE id = $2', [opts.places, counter.id]);
  ctx.log(`booking-contention: preparing ${opts.bookings} cases with pre-examination passed …`);
  const cases = await createCases(b, opts.bookings, {
    stage: 'passed',
    category: 'B',
    counterId: counter.id,
    seed: 11,
    concurrency: 6,
  });
  const agencyToken = await sys.ids.agency(cases[0]!.plan.agency);
  const now = await sys.gateway.clockNow();
  const slots = await b.api.call<Record<string, unknown>[]>(
    'query',
    ['availableSlots'],
    {
      counterId: counter.id,
      from: isoDate(new Date(now.getTime() + 86_400_000)),
      to: isoDate(new Date(now.getTime() + 10 * 86_400_000)),
    },
    ['start', 'available', 'capacity', 'booked'],
    agencyToken,
  );
  const placesOf = (s: Record<string, unknown>): number =>
    Number(s.remaining ?? s.available ?? s.capacityLeft ?? s.capacity ?? opts.places);
  const slot = slots.find((s) => placesOf(s) === opts.places) ?? slots[0];
  if (!slot)
    throw new GraphQLRequestError(
      'availableSlots',
      [{ message: `no free slot at ${counter.id} in the next 10 days` }],
      200,
    );
  const slotStart = String(slot.start);
  const info = b.api.caps.mutation.get('bookAppointment')!;
  const tokens = await Promise.all(cases.map((c) => sys.ids.agency(c.plan.agency)));
  const docs = cases.map((c) =>
    b.api.document(
      'mutation',
      info,
      { caseId: c.id, counterId: counter.id, slotStart, idempotencyKey: `contention-${c.plan.n}` },
      ['id', 'letterNumber'],
    ),
  );
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  const results = await Promise.all(
    docs.map((d, i) =>
      gateways[i % gateways.length]!.request(d.text, d.variables, tokens[i]).then(
        () => 'BOOKED',
        (err: unknown) => (err instanceof GraphQLRequestError ? (err.codes[0] ?? 'ERROR') : 'ERROR'),
      ),
    ),
  );
  const ms = round(performance.now() - started, 1);
  for (const r of results) outcomes[r] = (outcomes[r] ?? 0) + 1;
  const booked = outcomes.BOOKED ?? 0;
  const stored = (
    await sys.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM cs.appointment WHERE counter_id = $1 AND slot_start = $2 AND status = 'BOOKED'`,
      [counter.id, slotStart],
    )
  ).rows[0]!.n;
  return {
    scenario,
    command: ctx.command,
    figures: {
      instances: gateways.length,
      counter: counter.id,
      slotStart,
      places: opts.places,
      bookings: opts.bookings,
      booked,
      stored,
      outcomes,
      burstMs: ms,
    },
    targets: [
      {
        target: `booked exactly ${opts.places} of ${opts.bookings} concurrent bookings`,
        actual: `${booked} answered, ${stored} stored`,
        status: booked === opts.places && stored === opts.places ? 'met' : 'missed',
      },
    ],
    notes: [
      gateways.length > 1
        ? `all bookings sent at once, round-robin over ${gateways.length} gateways (gateway n on subgraph instance n, one database), each with its own agency token and idempotency key; capacity per slot set by SQL (test data)`
        : 'all bookings sent at once through the gateway, each with its own agency token and idempotency key; capacity per slot set by SQL (test data)',
    ],
  };
}

export const bookingContention: Scenario = {
  name: 'booking-contention',
  description: '200 concurrent bookings for a slot with 10 places: booked exactly 10',
  run: (ctx) => runBookingContention(ctx),
};

/** The same race with two instances of everything on one database, the bookings spread over both gateways. */
export const bookingContentionReplicas: Scenario = {
  name: 'booking-contention-2x',
  description: 'the same over two instances of every subgraph and gateway (ONESTOP_REPLICAS=2)',
  replicas: 2,
  run: (ctx) => runBookingContention(ctx, PRESETS[ctx.scale], 'booking-contention-2x'),
};
