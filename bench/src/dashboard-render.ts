/**
 * How many `counterLoadChanged` updates per second the dashboard's city view renders without
 * falling behind, in a real browser (Debian's Chromium via playwright-core).
 *
 * The built dashboard (dashboard/dist) is served by its own server, pointed at a stand-in
 * gateway that answers the city view's queries and pushes load updates over graphql-ws at
 * controlled rates (the API's own throughput is measured by the other scenarios; this one
 * isolates the browser). A MutationObserver in the page stamps when each update reaches the
 * DOM (performance marks `onestop:load-rendered`, next to the app's `onestop:load-received`).
 * A rate is kept up with when, within a second of the last push, every counter shows its last
 * update and the 95th percentile push-to-DOM lag is under a second.
 *
 * Usage: node bench/dist/dashboard-render.js [--rates 50,100,200] [--seconds 4]
 * Prints one JSON line. Needs `pnpm build` (dashboard/dist) and /usr/bin/chromium (CHROMIUM_PATH).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '@onestop/common';
import { createTestIssuer } from '@onestop/common/testing';
import { repoRoot, startDashboardServer } from '@onestop/scripts';
import { WebSocketServer, type WebSocket } from 'ws';

const COUNTERS = Array.from({ length: 15 }, (_, i) => ({
  __typename: 'ServiceCounter',
  id: `counter-${String(i + 1).padStart(2, '0')}`,
  name: `Counter ${i + 1}`,
  district: `District ${Math.floor(i / 2) + 1}`,
  address: '—',
  windows: 4,
  openingHours: [1, 2, 3, 4, 5].map((weekday) => ({
    __typename: 'OpeningHours',
    weekday,
    opens: '09:00',
    closes: '17:00',
  })),
}));

/** The slice of playwright-core this benchmark uses (resolved at run time from the test package). */
interface Pw {
  chromium: { launch(o: Record<string, unknown>): Promise<PwBrowser> };
}
interface PwBrowser {
  newContext(o: Record<string, unknown>): Promise<{
    addInitScript(s: { content: string }): Promise<void>;
    newPage(): Promise<PwPage>;
  }>;
  close(): Promise<void>;
}
interface PwPage {
  goto(url: string): Promise<unknown>;
  waitForFunction(fn: string, arg?: unknown, o?: Record<string, unknown>): Promise<unknown>;
  evaluate<T>(fn: string): Promise<T>;
}

interface StepResult {
  rate: number;
  sent: number;
  received: number;
  rendered: number;
  renderedPerSec: number;
  p50LagMs: number | null;
  p95LagMs: number | null;
  settleMs: number | null;
  keptUp: boolean;
}

async function loadPlaywright(): Promise<Pw> {
  // bench does not depend on playwright-core (the test package does): resolve it from there.
  const req = createRequire(path.join(repoRoot, 'test', 'package.json'));
  const mod = (await import(pathToFileURL(req.resolve('playwright-core')).href)) as Pw & { default?: Pw };
  return mod.chromium ? mod : mod.default!;
}

function load(counterId: string, eventId: number, waiting: number): Record<string, unknown> {
  return {
    __typename: 'CounterLoad',
    counterId,
    date: '2026-03-02',
    open: true,
    windowsOpen: 4,
    waiting,
    beingServed: waiting % 4,
    servedToday: eventId,
    p90WaitMinutesToday: 12,
    averageWaitMinutesToday: 8,
    utilisation: (waiting % 4) / 4,
    appointmentsLeftToday: 20,
    longestWaitMinutesNow: waiting ? 5 : null,
    idleWindows: 4 - (waiting % 4),
    queueWithIdleWindows: false,
    breachesToday: 0,
    lastBreachAt: null,
    visitsToday: waiting,
    visitsOverTargetToday: 0,
    computedAt: new Date().toISOString(),
    eventId: String(eventId),
  };
}

/** A stand-in gateway: canned answers to the city view's queries, pushes on its subscription. */
function fakeGateway(): { server: Server; push(data: Record<string, unknown>): number } {
  const subscribers = new Set<{ ws: WebSocket; id: string }>();
  const answers: Record<string, unknown> = {
    CityCounters: { serviceCounters: COUNTERS },
    CityLoad: {
      cityLoad: {
        __typename: 'CityLoad',
        date: '2026-03-02',
        openCounters: 15,
        windowsOpen: 60,
        waiting: 0,
        beingServed: 0,
        servedToday: 0,
        noShowsToday: 0,
        averageWaitMinutesToday: 8,
        p90WaitMinutesToday: 12,
        utilisation: 0,
        appointmentsLeftToday: 300,
        longestWaitMinutesNow: null,
        countersWithIdleWindows: 0,
        breachesToday: 0,
        visitsToday: 0,
        visitsOverTargetToday: 0,
        overTargetShareToday: null,
        computedAt: new Date().toISOString(),
        eventId: '1',
        counters: COUNTERS.map((c) => load(c.id, 1, 0)),
      },
    },
    CitySla: {
      slaThresholds: { __typename: 'SlaThresholds', counterWaitMinutes: 30, warningPercents: [50, 75] },
      slaBreaches: { __typename: 'SlaBreachConnection', totalCount: 0, edges: [] },
    },
  };
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { operationName } = JSON.parse(body || '{}') as { operationName?: string };
      const data = operationName ? answers[operationName] : undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          data ? { data } : { data: null, errors: [{ message: `not in the benchmark: ${operationName}` }] },
        ),
      );
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql', handleProtocols: () => 'graphql-transport-ws' });
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as {
        type: string;
        id?: string;
        payload?: { operationName?: string; query?: string };
      };
      if (m.type === 'connection_init') ws.send(JSON.stringify({ type: 'connection_ack' }));
      else if (m.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      else if (m.type === 'subscribe' && /counterLoadChanged/.test(m.payload?.query ?? ''))
        subscribers.add({ ws, id: m.id! });
      else if (m.type === 'complete')
        for (const s of subscribers) if (s.ws === ws && s.id === m.id) subscribers.delete(s);
    });
    ws.on('close', () => {
      for (const s of subscribers) if (s.ws === ws) subscribers.delete(s);
    });
  });
  return {
    server,
    push(data) {
      for (const s of subscribers) s.ws.send(JSON.stringify({ type: 'next', id: s.id, payload: { data } }));
      return subscribers.size;
    },
  };
}

const OBSERVER = `
  window.__renders = [];
  new MutationObserver((records) => {
    const t = Date.now();
    for (const r of records) {
      const id = r.target.getAttribute && r.target.getAttribute('data-event-id');
      if (id) { window.__renders.push([Number(id), t]); performance.mark('onestop:load-rendered', { detail: id }); }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-event-id'] });
`;

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string', default: '50,100,200,400,800,1600,3200' },
      seconds: { type: 'string', default: '4' },
    },
  });
  const rates = values
    .rates!.split(',')
    .map(Number)
    .filter((n) => n > 0);
  const seconds = Number(values.seconds);
  const distDir = path.join(repoRoot, 'dashboard', 'dist');
  if (!existsSync(path.join(distDir, 'index.html')))
    throw new Error('dashboard/dist is missing: run `pnpm build` first.');

  const gateway = fakeGateway();
  await new Promise<void>((r) => gateway.server.listen(0, '127.0.0.1', r));
  const gatewayOrigin = `http://127.0.0.1:${(gateway.server.address() as { port: number }).port}`;
  const dashboard = await startDashboardServer({
    port: 0,
    host: '127.0.0.1',
    distDir,
    gatewayOrigin,
    mode: 'test',
    identity: { authority: 'http://127.0.0.1:9', clientId: 'onestop-dashboard' },
    logger: createLogger('dashboard-bench', 'silent'),
  });
  const { chromium } = await loadPlaywright();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  const steps: StepResult[] = [];
  try {
    // The stand-in gateway verifies nothing: any well-formed token shapes the dashboard for a manager.
    const token = await (await createTestIssuer()).sign({ sub: 'bench-manager', role: 'MANAGER', name: 'bench' });
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    await context.addInitScript({
      content: `localStorage.setItem('onestop.lang', 'en'); sessionStorage.setItem('onestop.token', ${JSON.stringify(token)}); ${OBSERVER}`,
    });
    const page = await context.newPage();
    await page.goto(new URL('/city', dashboard.url).toString());
    await page.waitForFunction(
      `document.querySelectorAll('[data-testid=counter-card][data-event-id]').length === 15`,
      undefined,
      { timeout: 30_000 },
    );
    // Wait until the city view has subscribed.
    const deadline = Date.now() + 15_000;
    while (gateway.push({}) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    let eventId = 1;
    const waiting = new Map(COUNTERS.map((c) => [c.id, 0]));
    for (const rate of rates) {
      await page.evaluate(`(window.__renders = [], performance.clearMarks('onestop:load-received'), 0)`);
      const sentAt = new Map<number, number>();
      const lastOf = new Map<string, number>();
      const start = Date.now();
      let sent = 0;
      while (Date.now() - start < seconds * 1000) {
        const due = Math.floor(((Date.now() - start) / 1000) * rate);
        for (; sent < due; sent++) {
          const counter = COUNTERS[sent % COUNTERS.length]!.id;
          const n = (waiting.get(counter) ?? 0) + 1;
          waiting.set(counter, n);
          eventId++;
          sentAt.set(eventId, Date.now());
          lastOf.set(counter, eventId);
          gateway.push({ counterLoadChanged: load(counter, eventId, n) });
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const lastSent = Date.now();
      const expected = JSON.stringify(Object.fromEntries(lastOf));
      let settleMs: number | null = null;
      try {
        await page.waitForFunction(
          `(() => { const want = ${expected}; return Object.entries(want).every(([c, id]) => document.querySelector('[data-counter-id="' + c + '"]')?.getAttribute('data-event-id') === String(id)); })()`,
          undefined,
          { timeout: 10_000, polling: 10 },
        );
        settleMs = Date.now() - lastSent;
      } catch {
        settleMs = null;
      }
      const renders = await page.evaluate<[number, number][]>('window.__renders');
      const received = await page.evaluate<number>(`performance.getEntriesByName('onestop:load-received').length`);
      const lags = renders.map(([id, t]) => t - (sentAt.get(id) ?? t)).sort((a, b) => a - b);
      const p95 = percentile(lags, 95);
      const keptUp = settleMs !== null && settleMs < 1000 && p95 !== null && p95 < 1000;
      steps.push({
        rate,
        sent,
        received,
        rendered: renders.length,
        renderedPerSec: Math.round((renders.length / seconds) * 10) / 10,
        p50LagMs: percentile(lags, 50),
        p95LagMs: p95,
        settleMs,
        keptUp,
      });
      if (!keptUp) break;
    }
  } finally {
    await browser.close();
    await dashboard.close();
    gateway.server.closeAllConnections();
    await new Promise((r) => gateway.server.close(r));
  }
  const sustained = steps.filter((s) => s.keptUp).map((s) => s.rate);
  process.stdout.write(
    `${JSON.stringify({
      scenario: 'dashboard-render',
      unit: 'counterLoad updates/s',
      maxSustainedRate: sustained.length ? Math.max(...sustained) : 0,
      secondsPerStep: seconds,
      steps,
      notes: 'Chromium headless, built dashboard, stand-in gateway; lag = push sent → DOM updated (MutationObserver).',
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`dashboard-render: ${(err as Error).message}\n`);
  process.exit(1);
});
