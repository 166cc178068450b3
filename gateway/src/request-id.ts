import { randomUUID } from 'node:crypto';

/** What the gateway accepts as a client's request id: short, printable, no spaces or separators that could forge log lines. */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/**
 * The request id for one request: the client's `x-request-id` when it is well-formed (so a
 * caller can correlate its own logs), otherwise a fresh UUID. It travels to every subgraph
 * (header on HTTP, `requestId` in connectionParams on WebSocket) and into every log line.
 */
export function requestIdFrom(candidate: unknown): string {
  const value = Array.isArray(candidate) ? candidate[0] : candidate;
  return typeof value === 'string' && WELL_FORMED.test(value) ? value : randomUUID();
}

/** True when the value would be accepted as is. */
export function isWellFormedRequestId(value: unknown): value is string {
  return typeof value === 'string' && WELL_FORMED.test(value);
}
