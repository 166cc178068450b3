import { signRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@onestop/common';
import type { Fetcher } from '@apollo/utils.fetcher';
import { inSpan, injectTraceHeaders, SpanKind, SPANS } from './telemetry.js';

/**
 * A fetcher for RemoteGraphQLDataSource that signs each subgraph request (HMAC over the exact
 * body, path, time and Authorization header) and gives up after `timeoutMs`, so a slow
 * subgraph yields an error for its fields instead of holding the whole request. Each fetch is
 * a client span carrying the trace context to the subgraph.
 */
export function signingFetcher(secret: string, timeoutMs: number, subgraph = 'subgraph'): Fetcher {
  return async (url, init) =>
    inSpan(
      SPANS.subgraphFetch,
      { 'onestop.subgraph': subgraph, 'http.request.method': init?.method ?? 'POST' },
      async (span) => {
        const headers: Record<string, string> = { ...((init?.headers as Record<string, string>) ?? {}) };
        injectTraceHeaders(headers);
        const body = typeof init?.body === 'string' ? init.body : '';
        const timestamp = String(Date.now());
        const authorization = headers.authorization ?? headers.Authorization ?? '';
        headers[TIMESTAMP_HEADER] = timestamp;
        headers[SIGNATURE_HEADER] = signRequest(secret, {
          method: init?.method ?? 'POST',
          path: new URL(url).pathname,
          body,
          authorization,
          timestamp,
        });
        const res = await fetch(url, {
          method: init?.method ?? 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        span.setAttribute('http.response.status_code', res.status);
        return res as unknown as Awaited<ReturnType<Fetcher>>;
      },
      SpanKind.CLIENT,
    );
}
