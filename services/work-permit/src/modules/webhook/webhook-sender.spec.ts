import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { loadWorkPermitConfig } from '../../config.js';
import { guardedLookup, refusedReason, urlProblems } from './webhook-address-policy.js';
import { WebhookSender } from './webhook-sender.js';
import { newWebhookSecret } from './webhook.service.js';

let server: Server;
let port: number;
const hits: { path: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/redirect') res.writeHead(302, { location: '/elsewhere' }).end();
      else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 2000);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const production = loadWorkPermitConfig({
  NODE_ENV: 'production',
  SUBGRAPH_SECRET_WORK_PERMIT: 'a-production-secret-for-this-spec-only-0123456789',
  OIDC_ISSUER: 'https://id.onestop.example',
  IDENTITY_ADMIN_SECRET: 'a-production-identity-admin-secret-for-this-spec',
}).webhooks;
const development = loadWorkPermitConfig({}).webhooks;
const message = (url: string, secret = newWebhookSecret()) => ({
  id: 'msg_1',
  url,
  secrets: [secret],
  body: '{"a":1}',
});

describe('address policy', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
  ])('refuses %s', (a) => expect(refusedReason(a)).not.toBeNull());

  it.each(['8.8.8.8', '203.119.0.1', '2400:3200::1'])('accepts the public %s', (a) =>
    expect(refusedReason(a)).toBeNull(),
  );

  it('production: https only, no private literals, no credentials in the URL', () => {
    const policy = { requireHttps: production.requireHttps, allowedHosts: production.allowedHosts };
    expect(production.allowedHosts.size).toBe(0);
    expect(urlProblems('http://hooks.example.com/x', policy)).toEqual(['url: must use https']);
    expect(urlProblems('https://10.0.0.1/x', policy)[0]).toContain('10.0.0.1');
    expect(urlProblems('https://user:pw@hooks.example.com/x', policy)).toHaveLength(1);
    expect(urlProblems('https://hooks.example.com/x', policy)).toEqual([]);
  });

  it('checks every address a name resolves to and connects only to a checked one (no rebinding)', async () => {
    const policy = { requireHttps: true, allowedHosts: new Set<string>() };
    // A resolver that answers a public address first, then a private one: the second answer
    // must not reach the socket, whatever the first one was.
    let calls = 0;
    const rebinding = ((_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) => {
      calls++;
      cb(null, calls === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    }) as never;
    const lookup = guardedLookup('rebind.example', policy, rebinding);
    const first = await new Promise<unknown>((r) => lookup('rebind.example', {}, (e, a) => r(e ?? a)));
    expect(first).toBe('93.184.216.34');
    const second = await new Promise<unknown>((r) => lookup('rebind.example', {}, (e, a) => r(e ?? a)));
    expect(String(second)).toContain('rebind.example resolves to 127.0.0.1');
    // One private address among public ones is enough to refuse.
    const mixed = ((_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
      cb(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ])) as never;
    const refused = await new Promise<unknown>((r) =>
      guardedLookup('mixed.example', policy, mixed)('mixed.example', {}, (e, a) => r(e ?? a)),
    );
    expect(String(refused)).toContain('10.0.0.5');
  });
});

describe('WebhookSender', () => {
  it('in production mode refuses a name that resolves to loopback, and plain http, sending nothing', async () => {
    const sender = new WebhookSender({ requireHttps: true, allowedHosts: production.allowedHosts }, 2000);
    const before = hits.length;
    const viaName = await sender.send(message(`https://localhost:${port}/prod`));
    expect(viaName.ok).toBe(false);
    expect(viaName.error).toMatch(/refused: localhost resolves to (127\.0\.0\.1|::1)/);
    const literal = await sender.send(message(`https://127.0.0.1:${port}/prod`));
    expect(literal.error).toContain('refused: 127.0.0.1');
    const plain = await sender.send(message(`http://hooks.example.com/prod`));
    expect(plain.error).toContain('https only');
    expect(hits.length).toBe(before);
    sender.close();
  });

  it('signs per Standard Webhooks (one signature per secret), does not follow redirects, times out', async () => {
    const sender = new WebhookSender(
      { requireHttps: development.requireHttps, allowedHosts: development.allowedHosts },
      500,
    );
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const sent = await sender.send({
      id: 'msg_2',
      url: `http://127.0.0.1:${port}/ok`,
      secrets: [current, previous],
      body: '{"b":2}',
    });
    expect(sent).toMatchObject({ ok: true, status: 204 });
    const hit = hits.find((h) => h.path === '/ok')!;
    for (const s of [current, previous])
      expect(new Webhook(s).verify(hit.body, hit.headers as Record<string, string>)).toEqual({ b: 2 });
    const redirected = await sender.send(message(`http://127.0.0.1:${port}/redirect`));
    expect(redirected).toMatchObject({ ok: false, status: 302, error: 'redirect not followed' });
    expect(hits.some((h) => h.path === '/elsewhere')).toBe(false);
    const slow = await sender.send(message(`http://127.0.0.1:${port}/slow`));
    expect(slow).toMatchObject({ ok: false, status: null });
    expect(slow.error).toContain('no answer within 500 ms');
    sender.close();
  });
});

describe('configuration', () => {
  it('production refuses a retry window shorter than 24 hours', () => {
    expect(() => loadWorkPermitConfig({ NODE_ENV: 'production', WEBHOOK_RETRY_SCHEDULE: '1s,1m' })).toThrow(/24 hours/);
    expect(production.retryScheduleMs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(() => loadWorkPermitConfig({ WEBHOOK_RETRY_SCHEDULE: '5 parsecs' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
  });
});
