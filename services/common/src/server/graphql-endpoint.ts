import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actor } from '../auth/actor.js';
import { REQUEST_ID_HEADER } from '../auth/request-signing.js';
import type { ActorResolver } from '../auth/tokens.js';
import { OneStopError } from '../errors.js';
import type { Logger } from '../logger.js';
import { BodyTooLargeError, readBody, sendGraphQLError, sendJson } from './http-utils.js';

/**
 * How one OneStop HTTP server (the gateway, each subgraph) answers: the routes every server
 * has, and its GraphQL endpoint once the request is known to be one it takes.
 */
export interface GraphQLEndpoint {
  /** Named in `/health`. */
  service: string;
  /** `/ready`: whether the server can serve, and what it says about it. */
  ready(): Promise<{ ok: boolean; body: Record<string, unknown> }>;
  /** `/metrics` when this server serves it (decision 0014). */
  metrics?: { handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean };
  /** A route of this server's own (the development clock), or undefined when `url` is not one. */
  route?(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | undefined;
  /** The methods `/graphql` takes, and what a client using another one is told (405). */
  methods: readonly ('GET' | 'POST')[];
  methodRefusal: string;
  /** Larger POST bodies are refused with 413 before they are read whole. */
  maxBodyBytes: number;
  /** A request to `/graphql` with an accepted method; `body` is the POST body (undefined for GET). */
  graphql(request: GraphQLHttpRequest, res: ServerResponse): Promise<void>;
}

/** A request to `/graphql` as the endpoint hands it on. */
export interface GraphQLHttpRequest {
  req: IncomingMessage;
  url: URL;
  method: 'GET' | 'POST';
  /** The POST body (undefined for GET). */
  body: string | undefined;
  requestId: string;
}

const GRAPHQL_PATH = '/graphql';
const GRAPHQL_URL = new URL(GRAPHQL_PATH, 'http://localhost');

/** Answers one HTTP request the way every OneStop server does, handing GraphQL requests to `endpoint.graphql`. */
export async function serveGraphQLEndpoint(
  endpoint: GraphQLEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  // Nearly every request is to `/graphql` exactly: one parsed URL serves them all (nothing changes it).
  const url = req.url === GRAPHQL_PATH ? GRAPHQL_URL : new URL(req.url ?? '/', 'http://localhost');
  res.setHeader(REQUEST_ID_HEADER, requestId);
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok', service: endpoint.service });
  if (url.pathname === '/ready') {
    const { ok, body } = await endpoint.ready();
    return sendJson(res, ok ? 200 : 503, body);
  }
  if (endpoint.metrics?.handle(req, res, url.pathname)) return;
  const routed = endpoint.route?.(req, res, url);
  if (routed) return routed;
  if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'not found' });
  const method = endpoint.methods.find((m) => m === req.method);
  if (!method)
    return sendGraphQLError(res, 405, endpoint.methodRefusal, 'BAD_REQUEST', { allow: endpoint.methods.join(', ') });
  let body: string | undefined;
  if (method === 'POST') {
    try {
      body = await readBody(req, endpoint.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError)
        return sendGraphQLError(
          res,
          413,
          `The request body is larger than ${endpoint.maxBodyBytes} bytes.`,
          'BAD_REQUEST',
        );
      throw err;
    }
  }
  return endpoint.graphql({ req, url, method, body, requestId }, res);
}

/**
 * The actor of a request's `Authorization` header (null: anonymous), or undefined once the
 * request was refused with 401 (an invalid or expired token, with `extraHeaders`).
 */
export async function actorOrRefuse(
  verifier: ActorResolver,
  authorization: string,
  res: ServerResponse,
  extraHeaders: Record<string, string> = {},
): Promise<Actor | null | undefined> {
  try {
    return await verifier.fromHeader(authorization);
  } catch (err) {
    if (err instanceof OneStopError) {
      sendGraphQLError(res, 401, err.message, err.code, extraHeaders);
      return undefined;
    }
    throw err;
  }
}

/** The request body as JSON, or undefined once the request was refused with 400. */
export function jsonOrRefuse(res: ServerResponse, body: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(body) };
  } catch {
    sendGraphQLError(res, 400, 'The request body is not valid JSON.', 'BAD_REQUEST');
    return undefined;
  }
}

/** A request whose handling threw: logged, and answered 500 unless the answer had begun. */
export function answerFailure(res: ServerResponse, logger: Logger, err: unknown, fields: object = {}): void {
  logger.error({ ...fields, err: (err as Error).message }, 'request failed');
  if (!res.headersSent) sendGraphQLError(res, 500, 'Internal error.', 'INTERNAL_SERVER_ERROR');
  else res.end();
}
