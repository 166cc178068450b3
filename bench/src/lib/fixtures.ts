import { randomBytes } from 'node:crypto';
import { Capabilities } from './capabilities.js';
import type { BenchSystem } from './bench-stack.js';
import { Prng } from './prng.js';
import { Api, MissingOperationError, type Selection } from '../simulator/api.js';
import { GraphQLRequestError } from './graphql-client.js';
import { DEFAULT_SIMULATOR_CONFIG } from '../simulator/config.js';
import { planDay, type SimCounter } from '../simulator/plan.js';
import { CitySteps, StepRunner, type SimCase, type StepName } from '../simulator/steps.js';

/** The API as the benchmarks drive it: the simulator's steps, with their statistics. */
export interface BenchApi {
  api: Api;
  runner: StepRunner;
  steps: CitySteps;
  counters: SimCounter[];
}

export async function benchApi(sys: BenchSystem): Promise<BenchApi> {
  const manager = await sys.ids.manager();
  const caps = await Capabilities.load(sys.gateway, manager);
  const api = new Api(sys.gateway, caps);
  const runner = new StepRunner(api, sys.ids);
  const rows = await api.call<{ id: string; name: string; windows?: number }[]>(
    'query',
    ['serviceCounters'],
    {},
    ['id', 'name', 'windows'],
    manager,
  );
  return {
    api,
    runner,
    steps: new CitySteps(runner, 1, `bench-${randomBytes(4).toString('hex')}`),
    counters: rows.map((r) => ({ id: r.id, name: r.name, windows: r.windows ?? 1 })),
  };
}

/** How far the fixture cases are taken through the process. */
export type FixtureStage = 'filed' | 'passed' | 'booked';

/** A booking refused because counter-scheduling has not yet seen the passed pre-examination is tried again (see below). */
const BOOKING_ATTEMPTS = 20;
const BOOKING_RETRY_MS = 250;

/**
 * Creates cases through the real API (as the simulator's agencies and officers do), so every
 * subgraph holds its own rows for them. Throws, naming the step and its reason, when one fails.
 */
export async function createCases(
  b: BenchApi,
  count: number,
  opts: { stage: FixtureStage; category?: 'A' | 'B' | 'C'; seed?: number; counterId?: string; concurrency?: number },
): Promise<SimCase[]> {
  const rng = new Prng(opts.seed ?? 7);
  const plans = planDay(
    { ...DEFAULT_SIMULATOR_CONFIG, gatewayUrl: '', cases: count, backlogShare: 1, seed: opts.seed ?? 7 },
    b.counters,
    rng,
  );
  const cases: SimCase[] = plans.map((plan) => {
    const p = {
      ...plan,
      category: opts.category ?? plan.category,
      route: 'NOTIFICATION_LETTER' as const,
      counterId: opts.counterId ?? plan.counterId,
    };
    return { plan: p, status: 'PLANNED', counterId: p.counterId };
  });
  // The business clock (the simulator or a test may have moved it ahead of real time).
  const now = await b.api.client.clockNow();
  const stepOrFail = async (step: StepName, c: SimCase, fn: () => Promise<boolean>): Promise<void> => {
    // Counter-scheduling learns that a case passed pre-examination from the event log, a moment
    // after work-permit records it: a booking sent at once can be refused until then (INVALID_TRANSITION).
    const attempts = step === 'bookAppointment' ? BOOKING_ATTEMPTS : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (await fn()) return;
      if (attempt < attempts) await new Promise((r) => setTimeout(r, BOOKING_RETRY_MS));
    }
    const st = b.runner.stats.get(step)!;
    if (st.missing.length) throw new MissingOperationError(st.missing);
    throw new Error(
      `fixture step ${step} failed for case #${c.plan.n}: ${st.unfillable.length ? `no value for ${st.unfillable.join(', ')}` : (st.lastError ?? 'no free slot')}`,
    );
  };
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < cases.length) {
      const c = cases[i++]!;
      await stepOrFail('fileCase', c, () => b.steps.fileCase(c, now));
      if (opts.stage === 'filed') continue;
      await stepOrFail('passPreExamination', c, () => b.steps.passPreExamination(c));
      if (opts.stage === 'passed') continue;
      await stepOrFail('bookAppointment', c, () => b.steps.book(c, now));
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, count) }, worker));
  return cases;
}

/**
 * The query document for `root.field(values) { selection }`, checked by running it once; a
 * field the schema lists but a subgraph refuses (a supergraph and a subgraph out of step
 * while they are being changed) is dropped and named in `dropped`, instead of failing the run.
 */
export async function workingQuery(
  b: BenchApi,
  field: string,
  values: Record<string, unknown>,
  selection: Selection,
  token: string,
): Promise<{ text: string; variables: Record<string, unknown>; dropped: string[] }> {
  const info = b.api.caps.query.get(field);
  if (!info) throw new MissingOperationError([`Query.${field}`]);
  const dropped: string[] = [];
  let sel = selection;
  for (let i = 0; ; i++) {
    const doc = b.api.document('query', info, values, sel);
    try {
      await b.api.client.request(doc.text, doc.variables, token);
      return { ...doc, dropped };
    } catch (err) {
      const bad = err instanceof GraphQLRequestError ? /Cannot query field "(\w+)"/.exec(err.message)?.[1] : undefined;
      if (!bad || i >= 5) throw err;
      dropped.push(bad);
      const strip = (s: Selection): Selection =>
        s
          .filter((x) => x !== bad)
          .map((x) =>
            typeof x === 'string'
              ? x
              : Object.fromEntries(
                  Object.entries(x)
                    .filter(([k]) => k !== bad)
                    .map(([k, v]) => [k, strip(v)]),
                ),
          );
      sel = strip(sel);
    }
  }
}
