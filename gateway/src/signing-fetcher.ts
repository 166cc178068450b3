import { Agent as HttpAgent, request as httpRequest, type AgentOptions, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { signRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@onestop/common';
import type { Fetcher, FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';
import { inSpan, injectTraceHeaders, SpanKind, SPANS } from './telemetry.js';

/**
 * Keep-alive connection pool per subgraph. Idle connections are closed after 30 s, well before
 * the subgraphs' own 65 s keep-alive timeout, so the gateway never writes to a connection the
 * subgraph is closing. `lifo` reuses the most recently used (warm) connection first.
 */
const AGENT_OPTIONS: AgentOptions = {
  keepAlive: true,
  maxSockets: 256,
  maxFreeSockets: 256,
  timeout: 30_000,
  scheduling: 'lifo',
};

/** The subgraph did not answer within the timeout (the name data-source.ts reports as "did not answer in time"). */
class SubgraphTimeoutError extends Error {
  override name = 'TimeoutError';
}

/** The connection broke before the whole answer arrived (reported as the subgraph being unavailable). */
class SubgraphConnectionError extends Error {
  override name = 'SubgraphConnectionError';
}

/**
 * A fetcher for RemoteGraphQLDataSource that signs each subgraph request (HMAC over the exact
 * body, path, time and Authorization header) and gives up after `timeoutMs`, so a slow
 * subgraph yields an error for its fields instead of holding the whole request. Each fetch is
 * a client span carrying the trace context to the subgraph.
 *
 * Requests go over `node:http` with a keep-alive pool of its own rather than the global
 * `fetch`: for a small JSON POST, undici's fetch (WHATWG streams, Request/Response objects,
 * an `AbortSignal.timeout` per call) cost the gateway more CPU than the rest of the request
 * (docs/gateway.md: performance). The request is written in one piece (headers and body).
 */
export function signingFetcher(secret: string, timeoutMs: number, subgraph = 'subgraph'): Fetcher {
  const agents = { http: new HttpAgent(AGENT_OPTIONS), https: new HttpsAgent(AGENT_OPTIONS) };
  const paths = new Map<string, URL>();
  const parse = (url: string): URL => {
    let u = paths.get(url);
    if (!u) {
      u = new URL(url);
      if (paths.size < 64) paths.set(url, u);
    }
    return u;
  };
  return async (url, init) =>
    inSpan(
      SPANS.subgraphFetch,
      { 'onestop.subgraph': subgraph, 'http.request.method': init?.method ?? 'POST' },
      async (span) => {
        const headers: Record<string, string> = { ...((init?.headers as Record<string, string>) ?? {}) };
        injectTraceHeaders(headers);
        const body = typeof init?.body === 'string' ? init.body : '';
        const method = init?.method ?? 'POST';
        const target = parse(url);
        const timestamp = String(Date.now());
        const authorization = headers.authorization ?? headers.Authorization ?? '';
        headers[TIMESTAMP_HEADER] = timestamp;
        headers[SIGNATURE_HEADER] = signRequest(secret, {
          method,
          path: target.pathname,
          body,
          authorization,
          timestamp,
        });
        const res = await send(target, method, headers, body, timeoutMs, agents);
        span.setAttribute('http.response.status_code', res.status);
        return res;
      },
      SpanKind.CLIENT,
    );
}

/** One request/response, the whole body read (within the timeout) before it resolves. */
function send(
  target: URL,
  method: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  agents: { http: HttpAgent; https: HttpsAgent },
): Promise<FetcherResponse> {
  return new Promise((resolve, reject) => {
    const https = target.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      method,
      headers,
      agent: https ? agents.https : agents.http,
    });
    const fail = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    const timer = setTimeout(() => {
      const err = new SubgraphTimeoutError(`The subgraph did not answer within ${timeoutMs} ms.`);
      fail(err);
      req.destroy(err);
    }, timeoutMs);
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new SubgraphConnectionError('The subgraph closed the connection mid-answer.'));
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve(new SubgraphResponse(target.href, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      });
    });
    req.end(body);
  });
}

/** Response headers as the Fetcher interface reads them (read-only: nothing changes a received answer). */
class ReceivedHeaders implements FetcherHeaders {
  constructor(private readonly raw: IncomingMessage['headers']) {}

  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  append(): void {}
  delete(): void {}
  set(): void {}

  entries(): Iterator<[string, string]> {
    return this[Symbol.iterator]();
  }

  keys(): Iterator<string> {
    return Object.keys(this.raw)[Symbol.iterator]();
  }

  values(): Iterator<string> {
    const values = Object.keys(this.raw).map((k) => this.get(k)!);
    return values[Symbol.iterator]();
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    const entries = Object.keys(this.raw).map((k): [string, string] => [k, this.get(k)!]);
    return entries[Symbol.iterator]();
  }
}

/** The subset of a fetch Response that RemoteGraphQLDataSource reads, over a fully read body. */
class SubgraphResponse implements FetcherResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly redirected = false;
  readonly headers: FetcherHeaders;
  bodyUsed = false;

  constructor(
    readonly url: string,
    res: IncomingMessage,
    private readonly body: Buffer,
  ) {
    this.status = res.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.statusText = res.statusMessage ?? '';
    this.headers = new ReceivedHeaders(res.headers);
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    return this;
  }
}
