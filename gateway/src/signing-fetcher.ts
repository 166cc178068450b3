import { signRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@onestop/common';
import type { Fetcher } from '@apollo/utils.fetcher';

/**
 * A fetcher for RemoteGraphQLDataSource that signs each subgraph request (HMAC over the exact
 * body, path, time and Authorization header) and gives up after `timeoutMs`, so a slow
 * subgraph yields an error for its fields instead of holding the whole request.
 */
export function signingFetcher(secret: string, timeoutMs: number): Fetcher {
  return async (url, init) => {
    const headers: Record<string, string> = { ...((init?.headers as Record<string, string>) ?? {}) };
    const body = typeof init?.body === 'string' ? init.body : '';
    const timestamp = String(Date.now());
    const authorization = headers.authorization ?? headers.Authorization ?? '';
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signRequest(secret, { method: init?.method ?? 'POST', path: new URL(url).pathname, body, authorization, timestamp });
    const res = await fetch(url, { method: init?.method ?? 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    return res as unknown as Awaited<ReturnType<Fetcher>>;
  };
}
