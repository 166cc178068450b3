import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable } from '../db/pg-errors.js';
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
 * Keeps errors with a client-facing code and GraphQL's validation errors; turns an unreachable
 * subgraph or database into SERVICE_UNAVAILABLE (retryable); replaces everything else (SQL
 * errors, stack traces, internals) with a generic INTERNAL_SERVER_ERROR, logging the original
 * so an operator can find it by request id.
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
  /** The masked error: our message and extensions, the original's place in the response. */
  const replaced = (message: string, ext: Record<string, unknown>): GraphQLFormattedError => ({
    message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: ext,
  });
  if (DOWNSTREAM.test(formatted.message) || (original instanceof Error && DOWNSTREAM.test(original.message))) {
    return replaced(
      `Part of the data is unavailable right now${serviceName ? ` (${String(serviceName)})` : ''}; the rest was returned.`,
      { code: 'SERVICE_UNAVAILABLE', ...(serviceName ? { service: serviceName } : {}) },
    );
  }
  if (isDatabaseUnavailable(original)) {
    // An outage, not a bug: one line without a stack (readiness reports it too), and a code clients retry on.
    logger.warn(
      { err: original instanceof Error ? original.message : String(original), path: formatted.path },
      'database unavailable',
    );
    return replaced('The database is unavailable right now; try again in a moment.', { code: 'SERVICE_UNAVAILABLE' });
  }
  logger.error(
    {
      err: original instanceof Error ? { message: original.message, stack: original.stack } : original,
      path: formatted.path,
    },
    'unexpected error',
  );
  return replaced('Something went wrong on our side; the x-request-id response header identifies it.', {
    code: 'INTERNAL_SERVER_ERROR',
  });
}
