import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@onestop/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startDashboardServer, type RunningDashboardServer } from '@onestop/scripts';

const IDENTITY = { authority: 'http://127.0.0.1:4004', clientId: 'onestop-dashboard' };

describe('dashboard server', () => {
  let dist: string;
  let upstream: Server;
  let wss: WebSocketServer;
  let dev: RunningDashboardServer;
  let prod: RunningDashboardServer;
  const seen: { method?: string; url?: string; authorization?: string; body: string }[] = [];

  beforeAll(async () => {
    dist = await mkdtemp(path.join(tmpdir(), 'onestop-dashboard-'));
    await mkdir(path.join(dist, 'assets'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(dist, 'assets', 'main-abc.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
    await writeFile(path.join(dist, 'assets', 'main-abc.css'), 'body{}');
    await writeFile(path.join(tmpdir(), 'onestop-secret.txt'), 'secret');
    // A stand-in gateway: echoes HTTP requests and WebSocket messages on /graphql.
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
        res.end(JSON.stringify({ data: { echo: body } }));
      });
    });
    wss = new WebSocketServer({ server: upstream, path: '/graphql' });
    wss.on('connection', (ws, req) =>
      ws.on('message', (m) => ws.send(`echo:${m.toString()}:${req.headers['sec-websocket-protocol'] ?? ''}`)),
    );
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const gatewayOrigin = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
    const logger = createLogger('dashboard-test', 'silent');
    dev = await startDashboardServer({
      port: 0,
      host: '127.0.0.1',
      distDir: dist,
      gatewayOrigin,
      mode: 'test',
      identity: IDENTITY,
      logger,
    });
    prod = await startDashboardServer({
      port: 0,
      host: '127.0.0.1',
      distDir: dist,
      gatewayOrigin,
      mode: 'production',
      identity: IDENTITY,
      logger,
    });
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
    wss?.close();
    await new Promise((r) => upstream?.close(r));
    await rm(dist, { recursive: true, force: true });
  });

  const get = (server: RunningDashboardServer, p: string, init?: RequestInit) => fetch(new URL(p, server.url), init);

  it('serves files with their content types, caches hashed assets for good and gzips what is worth it', async () => {
    const js = await get(dev, '/assets/main-abc.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(await js.text()).toContain('console.log');
    expect((await get(dev, '/assets/main-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers every app route with index.html (not cached), but a missing asset with 404', async () => {
    for (const p of ['/', '/city', '/cases/0b7f6d0e-1c2a', '/calendar?month=2026-02']) {
      const res = await get(dev, p);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    expect((await get(dev, '/assets/nope.js')).status).toBe(404);
    expect((await get(dev, '/favicon.ico')).status).toBe(404);
  });

  it('never serves a file outside dist', async () => {
    for (const p of ['/../onestop-secret.txt', '/%2e%2e/onestop-secret.txt', '/assets/..%2f..%2fonestop-secret.txt']) {
      const res = await get(dev, p);
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('proxies /graphql to the gateway with the body and Authorization, on the same origin', async () => {
    const res = await get(dev, '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: '{"query":"{x}"}',
    });
    expect(res.headers.get('x-upstream')).toBe('yes');
    expect(await res.json()).toEqual({ data: { echo: '{"query":"{x}"}' } });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/graphql', authorization: 'Bearer t' });
  });

  it('proxies the WebSocket upgrade on /graphql both ways, with the subprotocol', async () => {
    const ws = new WebSocket(dev.url.replace('http', 'ws') + 'graphql', 'graphql-transport-ws');
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('hello'));
      ws.once('message', (m) => resolve(m.toString()));
      ws.once('error', reject);
    });
    expect(reply).toBe('echo:hello:graphql-transport-ws');
    expect(ws.protocol).toBe('graphql-transport-ws');
    ws.close();
  });

  it('tells the app where staff sign in (the OpenID Connect provider and the dashboard client), and mints no tokens', async () => {
    expect(await (await get(dev, '/auth/config')).json()).toEqual({
      ...IDENTITY,
      scope: 'openid profile offline_access onestop',
    });
    expect((await get(dev, '/dev/token', { method: 'POST', body: '{"role":"MANAGER"}' })).status).toBe(405);
  });

  it('has no development routes in production', async () => {
    expect((await get(prod, '/dev/clock')).status).toBe(404);
    expect((await get(prod, '/health')).status).toBe(200);
  });
});
