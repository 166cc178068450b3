import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Logger } from '../logger.js';

/**
 * Codes whose messages are written for clients: OneStop's own (errors.ts; a subgraph's errors
 * reach the gateway with these codes) and GraphQL's parse/validation/request errors.
 */
const SAFE_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_TRANSITION',
  'FINAL_DECISION',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'OPERATION_NOT_IN_SAFELIST',
  'BAD_REQUEST',
]);

/** The gateway's own message when a subgraph cannot be reached: names the path, hides the URL. */
const DOWNSTREAM =
  /^(Couldn't reach|fetch failed|request to .* failed|The operation was aborted|This operation was aborted)/i;

/**
 * Keeps errors with a client-facing code and GraphQL's validation errors; replaces everything
 * else (SQL errors, stack traces, internals) with a generic INTERNAL_SERVER_ERROR, logging the
 * original so an operator can find it by request id.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const {
    stacktrace: _s,
    exception: _e,
    response: _r,
    serviceName,
    ...extensions
  } = (formatted.extensions ?? {}) as Record<string, unknown>;
  const code = String(extensions.code ?? '');
  if (SAFE_CODES.has(code)) return { ...formatted, extensions };
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  if (DOWNSTREAM.test(formatted.message) || (original instanceof Error && DOWNSTREAM.test(original.message))) {
    return {
      message: `Part of the data is unavailable right now${serviceName ? ` (${String(serviceName)})` : ''}; the rest was returned.`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE', ...(serviceName ? { service: serviceName } : {}) },
    };
  }
  logger.error(
    {
      err: original instanceof Error ? { message: original.message, stack: original.stack } : original,
      path: formatted.path,
    },
    'unexpected error',
  );
  return {
    message: 'Something went wrong on our side; the x-request-id response header identifies it.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
