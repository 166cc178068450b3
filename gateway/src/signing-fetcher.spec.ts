import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequestSignature } from '@onestop/common';
import { signingFetcher } from './signing-fetcher.js';

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
  remotePort: number | undefined;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void): Promise<{
  url: string;
  seen: Seen[];
}> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { headers: req.headers, body, remotePort: req.socket.remotePort };
      seen.push(s);
      handler(req, res, s);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`, seen };
}

const post = (body: string, authorization = 'Bearer t') => ({
  method: 'POST',
  headers: { authorization, 'content-type': 'application/json' },
  body,
});

describe('signingFetcher', () => {
  it('signs every request over the exact body and Authorization, and reads the answer like fetch', async () => {
    const { url, seen } = await serve((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-extra': 'yes' })
        .end('{"data":{"a":1}}'),
    );
    const fetcher = signingFetcher('secret-1', 2000, 'work-permit');
    const body = JSON.stringify({ query: '{ a }', variables: { name: '北京' } });
    const res = await fetcher(url, post(body, 'Bearer abc'));
    expect(res.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(res.headers.get('missing')).toBeNull();
    expect(await res.json()).toEqual({ data: { a: 1 } });
    const s = seen[0]!;
    expect(s.body).toBe(body);
    expect(
      verifyRequestSignature(
        'secret-1',
        {
          method: 'POST',
          path: '/graphql',
          body: s.body,
          authorization: 'Bearer abc',
          timestamp: String(s.headers[TIMESTAMP_HEADER]),
        },
        String(s.headers[SIGNATURE_HEADER]),
        Date.now(),
      ),
    ).toBe(true);
    // Any change to what was signed breaks the signature.
    expect(
      verifyRequestSignature(
        'secret-1',
        {
          method: 'POST',
          path: '/graphql',
          body: s.body,
          authorization: 'Bearer other',
          timestamp: String(s.headers[TIMESTAMP_HEADER]),
        },
        String(s.headers[SIGNATURE_HEADER]),
        Date.now(),
      ),
    ).toBe(false);
  });

  it('keeps the connection to the subgraph alive between requests', async () => {
    const { url, seen } = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    );
    const fetcher = signingFetcher('s', 2000);
    for (let i = 0; i < 3; i++) {
      await (await fetcher(url, post('{}'))).text();
      // undici hands a connection to the next request one event-loop turn after its answer
      // (a server that said keep-alive but closes would show by then); a request sent at
      // once would open a second connection.
      await new Promise((r) => setImmediate(r));
    }
    expect(new Set(seen.map((s) => s.remotePort)).size).toBe(1);
  });

  it('passes a non-2xx answer through (status, body) for the data source to judge', async () => {
    const { url } = await serve((_req, res) =>
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"message":"no"}]}'),
    );
    const res = await signingFetcher('s', 2000)(url, post('{}'));
    expect(res.ok).toBe(false);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('{"errors":[{"message":"no"}]}');
  });

  it('fails (does not hang) when the subgraph drops the connection mid-answer', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await expect(signingFetcher('s', 5000)(url, post('{}'))).rejects.toBeInstanceOf(Error);
  });

  it('gives up after the timeout with a TimeoutError, and fails fast when nothing listens', async () => {
    const { url } = await serve(() => undefined); // never answers
    await expect(signingFetcher('s', 150)(url, post('{}'))).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(signingFetcher('s', 2000)('http://127.0.0.1:1/graphql', post('{}'))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
