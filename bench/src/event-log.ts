/**
 * Event log throughput and delivery latency on this machine (docs/event-log.md, "Measured").
 * Not part of `pnpm bench`'s stack scenarios: it needs only PostgreSQL and the event store.
 * Run: `npx tsc -b tsconfig.build.json && node bench/dist/event-log.js` — prints one JSON document.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import {
  createLogger,
  openDatabase,
  PgListener,
  platformMigrations,
  PostgresEventStore,
  startEmbeddedPostgres,
} from '@onestop/common';
import { type RawNewEvent } from '@onestop/common/contract';
import { freePort } from '@onestop/scripts';

const logger = createLogger('event-log-bench', 'silent');
const dir = await mkdtemp(path.join(tmpdir(), 'onestop-evbench-'));
await chmod(dir, 0o755); // as root, PostgreSQL (user postgres) must enter it
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), database: 'bench' });
const ds = await openDatabase({
  url: pg.url,
  schema: 'platform',
  entities: [],
  migrations: platformMigrations,
  logger,
  applicationName: 'bench',
  poolSize: 40,
});
const listener = new PgListener(pg.url, logger);
const store = new PostgresEventStore<RawNewEvent>({ dataSource: ds, listener, logger, source: 'bench' });
const ev = (i: number, type = 'bench.appended'): RawNewEvent => ({
  type,
  aggregateId: `a-${i}`,
  employerId: 'e-1',
  counterId: null,
  payload: { i, note: 'x'.repeat(100) },
  actorId: null,
  occurredAt: new Date(),
});

/** `n` writers, each committing `perWriter` transactions of `eventsPerTx` events. */
async function writers(
  n: number,
  perWriter: number,
  eventsPerTx: number,
  withLock = true,
): Promise<Record<string, number>> {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        await ds.transaction(async (tx) => {
          if (withLock) {
            await store.append(
              tx,
              Array.from({ length: eventsPerTx }, (_, k) => ev(w * 1e6 + i * 100 + k)),
            );
          } else {
            // The same insert without the commit-order lock: an unsafe baseline, for comparison only.
            await tx.query(
              `INSERT INTO platform.event_log (type, source, aggregate_id, payload, occurred_at)
               SELECT 'bench.nolock', 'bench', 'a', $1::jsonb, now() FROM generate_series(1, $2)`,
              [JSON.stringify({ note: 'x'.repeat(100) }), eventsPerTx],
            );
          }
        });
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return { txPerSec: Math.round((n * perWriter) / s), eventsPerSec: Math.round((n * perWriter * eventsPerTx) / s) };
}

const results: Record<string, Record<string, number>> = {};
await writers(1, 200, 1); // warm-up
results['1 writer, 1 event/tx'] = await writers(1, 2000, 1);
results['8 writers, 1 event/tx'] = await writers(8, 500, 1);
results['8 writers, 1 event/tx, no lock (unsafe baseline)'] = await writers(8, 500, 1, false);
results['32 writers, 1 event/tx'] = await writers(32, 100, 1);
results['32 writers, 1 event/tx, no lock (unsafe baseline)'] = await writers(32, 100, 1, false);
results['1 writer, 100 events/tx'] = await writers(1, 100, 100);
results['8 writers, 10 events/tx'] = await writers(8, 100, 10);

// A fresh consumer catching up, no-op handler.
await ds.transaction((tx) =>
  store.append(
    tx,
    Array.from({ length: 1000 }, (_, i) => ev(i, 'bench.small')),
  ),
);
const head = Number(await store.headId());
for (const [batchSize, types, n] of [
  [1, ['bench.small'], 1000],
  [100, undefined, head],
] as const) {
  const c = store.consume(`bench-${batchSize}`, { batchSize, types }, async () => undefined);
  const t0 = performance.now();
  await c.start();
  await c.drain();
  results[`consumer catch-up, batchSize ${batchSize}`] = {
    events: n,
    eventsPerSec: Math.round(n / ((performance.now() - t0) / 1000)),
  };
  await c.stop();
}

// Commit → live subscription (NOTIFY, one shared tail read, fan-out), for 1 and 2,000 subscribers.
for (const nSubs of [1, 2000]) {
  const subs = Array.from({ length: nSubs }, () => store.subscribe({ types: ['bench.latency'] }));
  await Promise.all(subs.map((s) => s.ready));
  const lat: number[] = [];
  for (let i = 0; i < 200; i++) {
    await ds.transaction((tx) => store.append(tx, [ev(i, 'bench.latency')]));
    const committed = performance.now();
    await Promise.all(subs.map((s) => s.next()));
    lat.push(performance.now() - committed);
  }
  lat.sort((x, y) => x - y);
  results[`commit → ${nSubs} subscriber(s) received (ms)`] = {
    p50: +lat[100]!.toFixed(2),
    p95: +lat[190]!.toFixed(2),
    max: +lat[199]!.toFixed(2),
  };
  for (const s of subs) s.close();
}

const setting = async (name: string): Promise<string> =>
  ((await ds.query(`SHOW ${name}`)) as Record<string, string>[])[0]![name]!;
process.stdout.write(
  `${JSON.stringify({
    scenario: 'event-log',
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    postgres: await setting('server_version'),
    fsync: await setting('fsync'),
    synchronous_commit: await setting('synchronous_commit'),
    results,
  })}\n`,
);
await store.close();
await listener.close();
await ds.destroy();
await pg.stop();
await rm(dir, { recursive: true, force: true });
