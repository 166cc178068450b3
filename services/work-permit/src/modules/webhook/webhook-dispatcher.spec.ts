import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENCIES } from '@onestop/common/testing';
import { loadWorkPermitConfig } from '../../config.js';
import { startTestRuntime, type TestRuntime } from '../../testing/test-runtime.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookSender } from './webhook-sender.js';
import { newWebhookSecret } from './webhook.service.js';
import { WebhookStore } from './webhook.store.js';

/**
 * Two dispatchers (as two instances of work-permit would run) on one database share the due
 * deliveries: every delivery is sent exactly once when every receiver answers 2xx, however the
 * claims interleave (SKIP LOCKED leases).
 */
const DELIVERIES = 300;
let t: TestRuntime;
let server: Server;
const received = new Map<string, number>();

beforeAll(async () => {
  t = await startTestRuntime();
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      received.set(id, (received.get(id) ?? 0) + 1);
      // A little latency so that claims of both instances overlap.
      setTimeout(() => res.writeHead(200).end(), Math.floor(Math.random() * 15));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await t?.stop();
});

describe('WebhookDispatcher', () => {
  it('two instances deliver each of 300 deliveries exactly once', { timeout: 120_000 }, async () => {
    const port = (server.address() as AddressInfo).port;
    const endpointId = '6a0d1f0e-0000-4000-8000-000000000001';
    await t.runtime.ds.query(
      `INSERT INTO wp.webhook_endpoint (id, agency_id, url, event_types, secret) VALUES ($1, $2, $3, '{}', $4)`,
      [endpointId, DEMO_AGENCIES[0].id, `http://127.0.0.1:${port}/hook`, newWebhookSecret()],
    );
    await t.runtime.ds.query(
      `INSERT INTO wp.webhook_delivery (id, endpoint_id, agency_id, event_id, event_type, payload, event_recorded_at)
       SELECT 'msg_spec_' || g, $1, $2, g, 'case.returned', jsonb_build_object('n', g), now()
       FROM generate_series(1, $3) g`,
      [endpointId, DEMO_AGENCIES[0].id, DELIVERIES],
    );
    const config = { ...loadWorkPermitConfig({ NODE_ENV: 'test' }).webhooks, concurrency: 16, pollIntervalMs: 50 };
    const policy = { requireHttps: false, allowedHosts: config.allowedHosts };
    const dispatchers = [0, 1].map(
      () =>
        new WebhookDispatcher(
          new WebhookStore(t.runtime.ds),
          new WebhookSender(policy, config.timeoutMs),
          t.runtime.listener,
          config,
          t.runtime.logger,
        ),
    );
    await Promise.all(dispatchers.map((d) => d.start()));
    try {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const [{ n }] = (await t.runtime.ds.query(
          `SELECT count(*)::int AS n FROM wp.webhook_delivery WHERE status = 'SUCCEEDED'`,
        )) as { n: number }[];
        if (n === DELIVERIES || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await Promise.all(dispatchers.map((d) => d.stop()));
    }
    expect(received.size).toBe(DELIVERIES);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    const attempts = (await t.runtime.ds.query(
      `SELECT count(*)::int AS n, count(DISTINCT delivery_id)::int AS d FROM wp.webhook_attempt`,
    )) as { n: number; d: number }[];
    expect(attempts[0]).toEqual({ n: DELIVERIES, d: DELIVERIES });
  });
});
