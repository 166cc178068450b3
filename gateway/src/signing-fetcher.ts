import type { IncomingHttpHeaders } from 'node:http';
import { signRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@onestop/common';
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import type { Span } from '@opentelemetry/api';
import { Pool, type Dispatcher } from 'undici';
import { inSpan, injectTraceHeaders, SpanKind, SPANS, tracingOn } from './telemetry.js';

/**
 * Keep-alive connection pool per subgraph origin (undici, decision 0023). Idle connections are
 * closed after 30 s, well before the subgraphs' own 65 s keep-alive timeout, so the gateway
 * never writes to a connection the subgraph is closing. No pipelining: one request per
 * connection at a time, as with `node:http`. undici's own header and body timeouts are off:
 * `SUBGRAPH_TIMEOUT_MS` bounds the whole call (below).
 */
const POOL_OPTIONS: Pool.Options = {
  connections: 256,
  pipelining: 1,
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 30_000,
  headersTimeout: 0,
  bodyTimeout: 0,
};

/** The subgraph did not answer within the timeout (the name data-source.ts reports as "did not answer in time"). */
class SubgraphTimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * A fetcher for RemoteGraphQLDataSource that signs each subgraph request (HMAC over the exact
 * body, path, time and Authorization header) and gives up after `timeoutMs`, so a slow
 * subgraph yields an error for its fields instead of holding the whole request. Each fetch is
 * a client span carrying the trace context to the subgraph.
 *
 * Requests go through undici's dispatcher (`Pool.dispatch`: its HTTP/1.1 client writes the
 * request in one piece and parses the answer with llhttp, with no stream, Request or Response
 * object per call), not the global `fetch` (undici's fetch builds WHATWG streams,
 * Request/Response objects and an `AbortSignal.timeout` per call) nor `node:http` (a
 * ClientRequest, an IncomingMessage stream and the agent's bookkeeping per call), which cost
 * the gateway more CPU per call (docs/gateway.md: performance; decision 0023).
 */
export function signingFetcher(secret: string, timeoutMs: number, subgraph = 'subgraph'): Fetcher {
  const targets = new Map<string, Target>();
  const target = (url: string): Target => {
    let t = targets.get(url);
    if (!t) {
      const u = new URL(url);
      t = { pool: poolFor(u.origin), path: u.pathname + u.search, pathname: u.pathname, href: u.href };
      if (targets.size < 64) targets.set(url, t);
    }
    return t;
  };
  /** One signed call; with a span (tracing on), its trace context travels in the headers. */
  const call = (url: string, init: FetcherRequestInit | undefined, span: Span | null): Promise<FetcherResponse> => {
    const headers: Record<string, string> = { ...((init?.headers as Record<string, string>) ?? {}) };
    // Without a tracer there is no trace context to send (and no span to carry it).
    if (span) injectTraceHeaders(headers);
    const body = typeof init?.body === 'string' ? init.body : '';
    const method = init?.method ?? 'POST';
    const to = target(url);
    const timestamp = String(Date.now());
    const authorization = headers.authorization ?? headers.Authorization ?? '';
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signRequest(secret, {
      method,
      path: to.pathname,
      body,
      authorization,
      timestamp,
    });
    const sent = send(to.pool, to.path, to.href, method, headers, body, timeoutMs);
    return span
      ? sent.then((res) => {
          span.setAttribute('http.response.status_code', res.status);
          return res;
        })
      : sent;
  };
  /** As a fetch: a failure before sending (a bad URL) is a rejected promise, never a throw. */
  const callOrReject = (url: string, init: FetcherRequestInit | undefined): Promise<FetcherResponse> => {
    try {
      return call(url, init, null);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  };
  return (url, init) =>
    tracingOn()
      ? inSpan(
          SPANS.subgraphFetch,
          { 'onestop.subgraph': subgraph, 'http.request.method': init?.method ?? 'POST' },
          (span) => call(url, init, span),
          SpanKind.CLIENT,
        )
      : callOrReject(url, init);
}

/** Where a subgraph URL goes: its origin's pool, the request path, and the path that is signed. */
interface Target {
  pool: Pool;
  path: string;
  pathname: string;
  href: string;
}

/** One pool per origin for the whole process: every data source to a subgraph shares its connections. */
const pools = new Map<string, Pool>();
function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, POOL_OPTIONS);
    pools.set(origin, pool);
  }
  return pool;
}

/** One request/response through the pool, the whole body read (within the timeout) before it resolves. */
function send(
  pool: Pool,
  path: string,
  href: string,
  method: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<FetcherResponse> {
  return new Promise((resolve, reject) => {
    pool.dispatch({ path, method, headers, body }, new SubgraphCall(href, timeoutMs, resolve, reject));
  });
}

/** A timer's callback shared by every call (no closure per call). */
function timeUp(call: SubgraphCall): void {
  call.timeUp();
}

/**
 * undici's handler for one call: one object with its methods on the prototype (no closures
 * per call), collecting the answer's chunks and settling the call's promise once.
 */
class SubgraphCall implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private timedOut: Error | undefined;
  private status = 0;
  private statusText = '';
  private received: IncomingHttpHeaders = {};
  private first: Buffer | undefined;
  private rest: Buffer[] | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly href: string,
    private readonly timeoutMs: number,
    private readonly resolve: (res: FetcherResponse) => void,
    private readonly reject: (err: Error) => void,
  ) {
    this.timer = setTimeout(timeUp, timeoutMs, this);
  }

  timeUp(): void {
    this.timedOut = new SubgraphTimeoutError(`The subgraph did not answer within ${this.timeoutMs} ms.`);
    this.fail(this.timedOut);
    // A request still queued for a connection is aborted when it starts.
    this.controller?.abort(this.timedOut);
  }

  private fail(err: Error): void {
    clearTimeout(this.timer);
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }

  onRequestStart(c: Dispatcher.DispatchController): void {
    this.controller = c;
    if (this.timedOut) c.abort(this.timedOut);
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    h: IncomingHttpHeaders,
    message?: string,
  ): void {
    this.status = statusCode;
    this.statusText = message ?? '';
    this.received = h;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.first === undefined) this.first = chunk;
    else (this.rest ??= [this.first]).push(chunk);
  }

  onResponseEnd(): void {
    clearTimeout(this.timer);
    if (this.settled) return;
    this.settled = true;
    const body = this.rest ? Buffer.concat(this.rest) : (this.first ?? Buffer.alloc(0));
    this.resolve(new SubgraphResponse(this.href, this.status, this.statusText, this.received, body));
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }
}

/** Response headers as the Fetcher interface reads them (read-only: nothing changes a received answer). */
class ReceivedHeaders implements FetcherHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

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
export class SubgraphResponse implements FetcherResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly redirected = false;
  readonly headers: FetcherHeaders;
  bodyUsed = false;

  constructor(
    readonly url: string,
    status: number,
    statusText: string,
    headers: IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.status = status;
    this.ok = status >= 200 && status < 300;
    this.statusText = statusText;
    this.headers = new ReceivedHeaders(headers);
  }

  async text(): Promise<string> {
    return this.bodyText();
  }

  /** The body as text, at once: the whole answer was read before this response was made. */
  bodyText(): string {
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
