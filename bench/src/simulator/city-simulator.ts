import { WorkingDayCalendar, shanghaiDate, shanghaiDayStart, weekday } from '@onestop/common';
import { Capabilities } from '../lib/capabilities.js';
import { GraphQLClient, Identities } from '../lib/graphql-client.js';
import { Prng } from '../lib/prng.js';
import { summarize, type LatencySummary } from '../lib/stats.js';
import { Api } from './api.js';
import type { SimulatorConfig } from './config.js';
import { planDay, type SimCounter } from './plan.js';
import { CitySteps, StepRunner, STEPS, type SimCase, type StepName, type StepStats } from './steps.js';

/** What a simulated day produced. */
export interface SimulationSummary {
  seed: number;
  day: string;
  simulatedMinutes: number;
  realSeconds: number;
  /** Real seconds the steps ran late in total (the API was slower than the chosen speed). */
  lagSeconds: number;
  casesPlanned: number;
  casesFiled: number;
  /** Cases by the status the API reports at the end. */
  byStatus: Record<string, number>;
  /** SLA breaches by kind (from `slaBreaches`), or null when the API has no such query. */
  breachesByKind: Record<string, number> | null;
  /** Minutes from check-in to being called, as the simulator observed them. */
  waitMinutes: LatencySummary;
  /** `cityLoad` at the end of the day, as the API reports it (city-wide figures). */
  cityLoad: Record<string, unknown> | null;
  /** Counters that served, queued or recorded a no-show today, of all counters (e.g. "15/15"). */
  countersWithLoad: string | null;
  /** How each step went. */
  steps: Record<string, StepStats>;
  /** Windows (counter#window) that could not call all day: held by an open service of an earlier day. */
  blockedWindows: string[];
  /** Steps that could not run at all, with the operations or inputs the API lacks. */
  couldNotRun: { step: string; why: string }[];
}

interface Scheduled {
  at: number;
  seq: number;
  label: string;
  run: () => Promise<void>;
}

const MIN = 60_000;
const SERVICE_DONE = 'service done';

/**
 * A deterministic day in the city, driven only through the gateway's GraphQL API and its
 * development clock route: agencies file and book, officers pre-examine and decide, clerks
 * check in, call, serve and accept, applicants miss appointments or walk in. The shared
 * clock moves in steps, faster than real time, so SLA clocks fire and the dashboard shows it live.
 */
export class CitySimulator {
  private readonly client: GraphQLClient;
  private readonly ids: Identities;
  private readonly queue: Scheduled[] = [];
  private seq = 0;
  private readonly cases = new Map<string, SimCase>();
  private readonly waiting = new Map<string, SimCase[]>();
  private readonly windowsBusy = new Map<string, Set<number>>();
  private readonly waits: number[] = [];
  private readonly blockedWindows = new Set<string>();
  private counters: SimCounter[] = [];
  private dayStart = new Date(0);
  private nowMin = 0;
  private lagMs = 0;

  constructor(
    private readonly cfg: SimulatorConfig,
    private readonly log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  ) {
    this.client = new GraphQLClient(cfg.gatewayUrl);
    this.ids = new Identities(cfg.issuer);
  }

  async run(): Promise<SimulationSummary> {
    const started = Date.now();
    const manager = await this.ids.manager();
    const caps = await Capabilities.load(this.client, manager);
    const api = new Api(this.client, caps);
    const runner = new StepRunner(api, this.ids);
    const steps = new CitySteps(runner, this.cfg.seed);
    const couldNotRun = (Object.keys(STEPS) as StepName[]).flatMap((s) =>
      runner.missingFor(s).map((m) => ({ step: s, why: `the API has no ${m.replace(/\|/g, ' / ')}` })),
    );
    for (const m of couldNotRun) this.say(`! step ${m.step} cannot run: ${m.why}`);

    this.counters = await this.loadCounters(api, manager);
    await this.closeOpenServices(runner, api, manager);
    const rng = new Prng(this.cfg.seed);
    const plans = planDay(this.cfg, this.counters, rng);
    const sims: SimCase[] = plans.map((plan) => ({ plan, status: 'PLANNED', counterId: plan.counterId }));

    // Overnight filings happen now, before the clock jumps to the morning of the simulated day.
    const backlog = sims.filter((c) => c.plan.filedAtMin < 0);
    const before = await this.client.clockNow();
    this.say(`filing ${backlog.length} overnight cases …`);
    await this.pool(backlog.map((c) => () => this.file(steps, c, before)));

    const clockNow = await this.client.clockNow();
    this.dayStart = nextDayStart(clockNow, this.cfg.startHour);
    const moved = await this.client.advanceClock(this.dayStart.getTime() - clockNow.getTime(), manager);
    let businessNow = new Date(moved.now);
    this.say(
      `simulated day ${shanghaiDate(this.dayStart)} (${this.cfg.startHour}:00–${this.cfg.endHour}:00 Asia/Shanghai), seed ${this.cfg.seed}, speed ×${this.cfg.speed}`,
    );
    for (const c of sims)
      if (c.plan.filedAtMin >= 0) this.at(c.plan.filedAtMin, `file #${c.plan.n}`, () => this.file(steps, c));

    const endMin = (this.cfg.endHour - this.cfg.startHour) * 60;
    const stepReal = (this.cfg.stepMin * MIN) / this.cfg.speed;
    for (let t = 0; t <= endMin; t += this.cfg.stepMin) {
      const stepStarted = Date.now();
      this.nowMin = t;
      const target = this.dayStart.getTime() + t * MIN;
      if (target > businessNow.getTime())
        businessNow = new Date((await this.client.advanceClock(target - businessNow.getTime(), manager)).now);
      await this.drain(t);
      await this.pool(this.counters.map((k) => () => this.serveCounter(steps, k)));
      await this.drain(t);
      if (this.cfg.verbose && t % 60 === 0) this.progress(t);
      const spent = Date.now() - stepStarted;
      if (spent < stepReal) await sleep(stepReal - spent);
      else this.lagMs += spent - stepReal;
    }

    // Closing: the applicants at the windows are finished (people still queueing stay in the
    // queue); an open service would otherwise hold its window into the next simulated day.
    const atWindows = this.queue.filter((e) => e.label.startsWith(SERVICE_DONE));
    for (const e of atWindows) this.queue.splice(this.queue.indexOf(e), 1);
    await this.pool(atWindows.map((e) => e.run));
    this.say('day over: collecting the summary …');
    const filed = sims.filter((c) => c.id);
    await this.pool(filed.map((c) => () => steps.refreshStatus(c).then(() => undefined)));
    const byStatus: Record<string, number> = {};
    for (const c of filed) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    const summary: SimulationSummary = {
      seed: this.cfg.seed,
      day: shanghaiDate(this.dayStart),
      simulatedMinutes: endMin,
      realSeconds: Math.round((Date.now() - started) / 1000),
      lagSeconds: Math.round(this.lagMs / 1000),
      casesPlanned: sims.length,
      casesFiled: filed.length,
      byStatus,
      breachesByKind: await this.breaches(runner, api, manager),
      waitMinutes: summarize(this.waits),
      ...splitCityLoad(await this.cityLoad(runner, api, manager)),
      steps: Object.fromEntries(runner.stats),
      blockedWindows: [...this.blockedWindows].sort(),
      couldNotRun: [
        ...couldNotRun,
        ...[...runner.stats]
          .filter(([, s]) => s.unfillable.length)
          .map(([step, s]) => ({ step, why: `no value for required ${s.unfillable.join(', ')}` })),
      ],
    };
    return summary;
  }

  private say(line: string): void {
    if (this.cfg.verbose) this.log(`[simulate] ${line}`);
  }

  private progress(t: number): void {
    const hh = String(this.cfg.startHour + Math.floor(t / 60)).padStart(2, '0');
    const mm = String(t % 60).padStart(2, '0');
    const states: Record<string, number> = {};
    for (const c of this.cases.values()) states[c.status] = (states[c.status] ?? 0) + 1;
    const waiting = [...this.waiting.values()].reduce((s, l) => s + l.length, 0);
    this.say(
      `${hh}:${mm} waiting ${waiting}, ${
        Object.entries(states)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'no cases yet'
      }`,
    );
  }

  private at(min: number, label: string, run: () => Promise<void>): void {
    this.queue.push({ at: min, seq: this.seq++, label, run });
  }

  /** Runs everything due by `t`, including what those actions schedule for now. */
  private async drain(t: number): Promise<void> {
    for (;;) {
      const due = this.queue.filter((e) => e.at <= t).sort((a, b) => a.at - b.at || a.seq - b.seq);
      if (!due.length) return;
      for (const e of due) this.queue.splice(this.queue.indexOf(e), 1);
      await this.pool(due.map((e) => e.run));
    }
  }

  private async pool(tasks: (() => Promise<void>)[]): Promise<void> {
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < tasks.length) {
        const task = tasks[i++]!;
        await task();
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.cfg.concurrency, tasks.length) }, worker));
  }

  /** Finishes services left open at a window today (an earlier run stopped mid-day), so every window can call. */
  private async closeOpenServices(runner: StepRunner, api: Api, manager: string): Promise<void> {
    if (!api.pick('query', ['counterQueue'])) return;
    await this.pool(
      this.counters.map((k) => async () => {
        const tickets = await runner.run('counterQueue', async () =>
          api.call<{ id: string; status: string }[]>(
            'query',
            ['counterQueue'],
            { counterId: k.id },
            ['id', 'status', 'window'],
            manager,
          ),
        );
        const clerk = await this.ids.clerk(k.id);
        for (const t of tickets ?? []) {
          if (t.status !== 'CALLED' && t.status !== 'SERVING') continue;
          if (t.status === 'CALLED')
            await runner.run('startService', async () =>
              api.call('mutation', ['startService'], { ticketId: t.id }, ['id'], clerk),
            );
          await runner.run('completeService', async () =>
            api.call('mutation', ['completeService'], { ticketId: t.id }, ['id'], clerk),
          );
        }
      }),
    );
  }

  private async loadCounters(api: Api, token: string): Promise<SimCounter[]> {
    const rows = await api.call<{ id: string; name: string; windows?: number }[]>(
      'query',
      ['serviceCounters'],
      {},
      ['id', 'name', 'windows'],
      token,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, windows: Math.max(1, r.windows ?? 1) }));
  }

  // ---- the case's path through the day ----

  private async file(steps: CitySteps, c: SimCase, at: Date = this.businessTime()): Promise<void> {
    if (!(await steps.fileCase(c, at))) return;
    this.cases.set(c.id!, c);
    const officerStart = Math.max(this.nowMin, 60); // officers start at 09:00
    if (c.plan.withdraws) {
      this.at(
        this.nowMin + c.plan.withdrawDelayMin,
        `withdraw #${c.plan.n}`,
        async () => void (await steps.withdraw(c)),
      );
      return;
    }
    this.at(officerStart + c.plan.preExamDelayMin, `pre-exam #${c.plan.n}`, () => this.preExamine(steps, c, true));
  }

  private async preExamine(steps: CitySteps, c: SimCase, first: boolean): Promise<void> {
    if (c.status === 'WITHDRAWN') return;
    if (first && c.plan.returned) {
      if (await steps.returnForCorrection(c)) {
        this.at(this.nowMin + c.plan.resubmitDelayMin, `resubmit #${c.plan.n}`, async () => {
          if (await steps.resubmit(c, this.businessTime()))
            this.at(this.nowMin + c.plan.preExamDelayMin / 2, `pre-exam again #${c.plan.n}`, () =>
              this.preExamine(steps, c, false),
            );
        });
      }
      return;
    }
    if (!(await steps.passPreExamination(c))) return;
    const next = this.nowMin + c.plan.bookOrWalkInDelayMin;
    if (c.plan.category === 'A') {
      // Category A needs no appointment: the applicant walks in while the counter is open.
      const arrive = Math.max(next, 60 + c.plan.bookOrWalkInDelayMin / 2);
      if (arrive < (this.cfg.endHour - this.cfg.startHour) * 60 - 30)
        this.at(arrive, `walk-in #${c.plan.n}`, () => this.arrive(steps, c));
    } else {
      this.at(next, `book #${c.plan.n}`, async () => {
        if (!(await steps.book(c, this.businessTime())) || !c.appointmentStart) return;
        if (c.plan.noShow) return; // the system records the no-show when the slot ends
        const arrive = (c.appointmentStart.getTime() - this.dayStart.getTime()) / MIN + c.plan.arrivalOffsetMin;
        this.at(Math.max(this.nowMin, arrive), `arrive #${c.plan.n}`, () => this.arrive(steps, c));
      });
    }
  }

  private async arrive(steps: CitySteps, c: SimCase): Promise<void> {
    if (c.status === 'WITHDRAWN') return;
    if (!(await steps.checkIn(c, this.businessTime()))) return;
    const list = this.waiting.get(c.counterId) ?? [];
    list.push(c);
    this.waiting.set(c.counterId, list);
  }

  /** Free windows call the next ticket; the system decides whose it is (appointments in time first). */
  private async serveCounter(steps: CitySteps, k: SimCounter): Promise<void> {
    const busy = this.windowsBusy.get(k.id) ?? new Set<number>();
    this.windowsBusy.set(k.id, busy);
    const waiting = this.waiting.get(k.id) ?? [];
    // Over lunch (12:00–13:00) only half the windows are staffed: queues grow, wait clocks fire.
    const hour = this.cfg.startHour + this.nowMin / 60;
    const staffed = hour >= 12 && hour < 13 ? Math.ceil(k.windows / 2) : k.windows;
    for (let w = 1; w <= staffed && waiting.length > 0; w++) {
      if (busy.has(w)) continue;
      const called = await steps.callNext(k.id, w);
      if (called === 'blocked') {
        // Held by an earlier day's open service (not visible in today's queue): the window stays out of use.
        busy.add(w);
        this.blockedWindows.add(`${k.id}#${w}`);
        continue;
      }
      if (!called) return;
      const c = (called.caseId && this.cases.get(called.caseId)) || waiting.find((x) => x.ticketId === called.ticketId);
      if (!c) continue; // someone the simulator did not bring (an earlier run's applicant)
      waiting.splice(waiting.indexOf(c), 1);
      c.ticketId = called.ticketId;
      c.window = w;
      c.calledAt = this.businessTime();
      if (c.checkedInAt) this.waits.push((c.calledAt.getTime() - c.checkedInAt.getTime()) / MIN);
      busy.add(w);
      await steps.startService(c);
      this.at(this.nowMin + c.plan.serviceMin, `${SERVICE_DONE} #${c.plan.n}`, async () => {
        const accepted = await steps.serveAtWindow(c, this.businessTime());
        await steps.completeService(c);
        busy.delete(w);
        if (accepted)
          this.at(this.nowMin + c.plan.decisionDelayMin, `decide #${c.plan.n}`, () => this.decide(steps, c));
      });
    }
  }

  private async decide(steps: CitySteps, c: SimCase): Promise<void> {
    // The interview must have taken place before its outcome and the decision are recorded.
    if (c.interviewAt && c.interviewAt.getTime() > this.businessTime().getTime()) {
      const at = (c.interviewAt.getTime() - this.dayStart.getTime()) / MIN + 10;
      this.at(at, `decide after interview #${c.plan.n}`, () => this.decide(steps, c));
      return;
    }
    if (!(await steps.decide(c, this.businessTime()))) return;
    this.at(this.nowMin + c.plan.claimDelayMin, `claim #${c.plan.n}`, async () => {
      await steps.refreshStatus(c);
      if (c.status === 'READY_FOR_CLAIM') await steps.claim(c);
    });
  }

  private businessTime(): Date {
    return new Date(this.dayStart.getTime() + this.nowMin * MIN);
  }

  private async breaches(runner: StepRunner, api: Api, token: string): Promise<Record<string, number> | null> {
    const out: Record<string, number> = {};
    let after: string | undefined;
    for (let page = 0; page < 50; page++) {
      const r = await runner.run('slaBreaches', async () =>
        api.call<{
          edges?: { node: { kind: string } }[];
          pageInfo?: { hasNextPage: boolean; endCursor?: string | null };
        }>(
          'query',
          ['slaBreaches'],
          { first: 100, after },
          [{ edges: [{ node: ['kind'] }] }, { pageInfo: ['hasNextPage', 'endCursor'] }],
          token,
        ),
      );
      if (!r) return page === 0 ? null : out;
      for (const e of r.edges ?? []) out[e.node.kind] = (out[e.node.kind] ?? 0) + 1;
      if (!r.pageInfo?.hasNextPage || !r.pageInfo.endCursor) break;
      after = r.pageInfo.endCursor;
    }
    return out;
  }

  private async cityLoad(runner: StepRunner, api: Api, token: string): Promise<Record<string, unknown> | null> {
    const info = api.caps.query.get('cityLoad');
    const scalars = info
      ? [...api.caps.fields(info.type).values()]
          .filter((f) => !api.caps.types.has(f.type) || api.caps.enums.has(f.type))
          .map((f) => f.name)
      : [];
    const r = await runner.run('cityLoad', async () =>
      api.call<Record<string, unknown>>(
        'query',
        ['cityLoad'],
        {},
        [...scalars, { counters: ['counterId', 'waiting', 'beingServed', 'servedToday', 'noShowsToday'] }],
        token,
      ),
    );
    return r ?? null;
  }
}

/** The next working weekday (official calendar) at `hour`:00 Asia/Shanghai, strictly after `now`. */
export function nextDayStart(now: Date, hour: number): Date {
  const calendar = WorkingDayCalendar.fromOfficialData();
  let date = shanghaiDate(now);
  for (let i = 0; i < 30; i++) {
    const start = new Date(shanghaiDayStart(date).getTime() + hour * 3_600_000);
    const wd = weekday(date);
    if (start.getTime() > now.getTime() && calendar.isWorkingDay(date) && wd >= 1 && wd <= 5) return start;
    date = shanghaiDate(new Date(shanghaiDayStart(date).getTime() + 36 * 3_600_000));
  }
  return new Date(now.getTime() + 3_600_000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The city-wide figures, and how many counters had any load today. */
function splitCityLoad(load: Record<string, unknown> | null): Pick<SimulationSummary, 'cityLoad' | 'countersWithLoad'> {
  if (!load) return { cityLoad: null, countersWithLoad: null };
  const { counters, ...city } = load as { counters?: Record<string, number>[] };
  if (!Array.isArray(counters)) return { cityLoad: city, countersWithLoad: null };
  const busy = counters.filter(
    (c) => (c.waiting ?? 0) + (c.beingServed ?? 0) + (c.servedToday ?? 0) + (c.noShowsToday ?? 0) > 0,
  );
  return { cityLoad: city, countersWithLoad: `${busy.length}/${counters.length}` };
}

/** Human-readable summary lines. */
export function formatSummary(s: SimulationSummary): string {
  const lines: string[] = [];
  lines.push(
    `OneStop simulated day ${s.day} (seed ${s.seed}): ${s.casesFiled}/${s.casesPlanned} cases filed, ${s.simulatedMinutes} simulated minutes in ${s.realSeconds} s (lag ${s.lagSeconds} s)`,
  );
  lines.push(
    `  cases by state:  ${
      Object.entries(s.byStatus)
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '—'
    }`,
  );
  lines.push(
    `  SLA breaches (all days, by kind): ${
      s.breachesByKind
        ? Object.entries(s.breachesByKind)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        : 'unknown (no slaBreaches query)'
    }`,
  );
  lines.push(
    `  wait (min):      ${s.waitMinutes.count ? `p50 ${s.waitMinutes.p50}, p95 ${s.waitMinutes.p95}, max ${s.waitMinutes.max} over ${s.waitMinutes.count} calls` : 'nobody was called'}`,
  );
  if (s.countersWithLoad) lines.push(`  counters with load today: ${s.countersWithLoad}`);
  if (s.cityLoad)
    lines.push(
      `  city load:       ${Object.entries(s.cityLoad)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}`,
    );
  lines.push('  steps (ok/attempted, failures by code):');
  for (const [name, st] of Object.entries(s.steps)) {
    if (!st.attempted && !st.missing.length) continue;
    const failed = Object.entries(st.failed)
      .map(([k, v]) => `${k}×${v}`)
      .join(' ');
    lines.push(
      `    ${name.padEnd(26)} ${st.ok}/${st.attempted}${failed ? `  ${failed}` : ''}${st.lastError && failed ? `  (last: ${st.lastError})` : ''}`,
    );
  }
  if (s.blockedWindows.length)
    lines.push(`  windows held all day by an earlier day's open service: ${s.blockedWindows.join(', ')}`);
  if (s.couldNotRun.length) {
    lines.push('  could not run:');
    for (const m of s.couldNotRun) lines.push(`    ${m.step}: ${m.why}`);
  }
  return lines.join('\n');
}
