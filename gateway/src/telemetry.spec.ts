import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SpanStatusCode,
  trace,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequestSignature } from '@onestop/common';
import { signingFetcher } from './signing-fetcher.js';
import { inSpan, SPANS } from './telemetry.js';

interface Recorded {
  name: string;
  attributes: Record<string, unknown>;
  kind: number | undefined;
  status?: { code: number };
  ended: boolean;
  exceptions: unknown[];
}

/** A tracer provider as a deployment would register one (here: recording in memory). */
function recordingProvider(spans: Recorded[]): TracerProvider {
  const tracer = {
    startSpan(name: string, options: SpanOptions = {}): Span {
      const r: Recorded = {
        name,
        attributes: { ...(options.attributes ?? {}) },
        kind: options.kind,
        ended: false,
        exceptions: [],
      };
      spans.push(r);
      const span = {
        setAttribute: (k: string, v: unknown) => ((r.attributes[k] = v), span),
        setAttributes: (a: Record<string, unknown>) => (Object.assign(r.attributes, a), span),
        setStatus: (s: { code: number }) => ((r.status = s), span),
        recordException: (e: unknown) => void r.exceptions.push(e),
        end: () => void (r.ended = true),
        isRecording: () => true,
        spanContext: () => ({ traceId: '0'.repeat(31) + '1', spanId: '0'.repeat(15) + '1', traceFlags: 1 }),
        updateName: () => span,
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
      };
      return span as unknown as Span;
    },
    startActiveSpan(name: string, ...args: unknown[]): unknown {
      const fn = args.at(-1) as (s: Span) => unknown;
      const options = (args.length > 1 ? args[0] : {}) as SpanOptions;
      return fn(tracer.startSpan(name, options));
    },
  };
  return { getTracer: () => tracer as unknown as Tracer };
}

describe('tracing hooks', () => {
  const spans: Recorded[] = [];
  beforeAll(() => {
    trace.setGlobalTracerProvider(recordingProvider(spans));
  });
  afterAll(() => {
    trace.disable();
  });

  it('records a span around work, with its outcome', async () => {
    expect(await inSpan('work', { a: 1 }, async () => 42)).toBe(42);
    await expect(inSpan('failing', {}, async () => Promise.reject(new TypeError('boom')))).rejects.toThrow('boom');
    expect(spans.find((s) => s.name === 'work')).toMatchObject({ attributes: { a: 1 }, ended: true });
    expect(spans.find((s) => s.name === 'failing')).toMatchObject({
      ended: true,
      status: { code: SpanStatusCode.ERROR },
    });
  });

  it('records each subgraph fetch as a client span, and the request arrives signed', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
      const fetcher = signingFetcher('secret-1', 2000, 'work-permit');
      const body = '{"query":"{ __typename }"}';
      await fetcher(url, {
        method: 'POST',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body,
      });
      const span = spans.find((s) => s.name === SPANS.subgraphFetch)!;
      expect(span).toMatchObject({
        attributes: { 'onestop.subgraph': 'work-permit', 'http.response.status_code': 200 },
        ended: true,
      });
      const h = received[0]!.headers;
      const ok = verifyRequestSignature(
        'secret-1',
        {
          method: 'POST',
          path: '/graphql',
          body: received[0]!.body,
          authorization: 'Bearer t',
          timestamp: String(h[TIMESTAMP_HEADER]),
        },
        String(h[SIGNATURE_HEADER]),
        Date.now(),
      );
      expect(ok).toBe(true);
    } finally {
      server.close();
    }
  });
});
