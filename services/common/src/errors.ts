import { GraphQLError } from 'graphql';

/**
 * Stable error codes of the OneStop API. Clients branch on `extensions.code`, never on
 * the message, so a code never changes meaning once published.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'FINAL_DECISION'
  | 'SERVICE_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

/** Base class: every error that crosses the API carries a stable code and a message a person can act on. */
export class OneStopError extends GraphQLError {
  constructor(
    message: string,
    readonly code: ErrorCode,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extra } });
  }
}

/** The input is wrong; `problems` lists every problem found, so a client can fix them all at once. */
export class BadUserInputError extends OneStopError {
  constructor(message: string, problems: readonly string[] = []) {
    super(problems.length ? `${message}: ${problems.join('; ')}` : message, 'BAD_USER_INPUT', {
      problems: [...problems],
    });
  }
}

/** No credentials, or credentials that do not verify. */
export class UnauthenticatedError extends OneStopError {
  constructor(message = 'Sign in first: send a valid bearer token in the Authorization header.') {
    super(message, 'UNAUTHENTICATED');
  }
}

/** The actor is known but may not do this. */
export class ForbiddenError extends OneStopError {
  constructor(message: string) {
    super(message, 'FORBIDDEN');
  }
}

/** The thing does not exist, or exists but is outside the actor's scope (we do not reveal which). */
export class NotFoundError extends OneStopError {
  constructor(what: string, id: string) {
    super(`${what} ${id} was not found.`, 'NOT_FOUND', { what, id });
  }
}

/** The request conflicts with the current state (duplicate, idempotency key reuse, slot full). */
export class ConflictError extends OneStopError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message, 'CONFLICT', extra);
  }
}

/** The case is not in a state that allows this step. */
export class InvalidTransitionError extends OneStopError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message, 'INVALID_TRANSITION', extra);
  }
}

/** A refusal by the Exit-Entry Administration is final (seed §6.5): nothing changes it. */
export class FinalDecisionError extends OneStopError {
  constructor(message: string) {
    super(message, 'FINAL_DECISION');
  }
}

/** A dependency (database, another subgraph) is not reachable right now. */
export class ServiceUnavailableError extends OneStopError {
  constructor(message: string) {
    super(message, 'SERVICE_UNAVAILABLE');
  }
}

/**
 * A start-up failure: printed as one line that says what to do, never a stack trace.
 * Not a GraphQL error: it never crosses the API.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * A broken invariant inside the process (misuse of an internal API, corrupt bundled data).
 * Never shown to clients: the error masking turns it into INTERNAL_SERVER_ERROR and logs it.
 */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/**
 * A partner agency is over its request or cost budget at the gateway: HTTP 429 with
 * `Retry-After` (Apollo Server reads `extensions.http` and does not send it to the client).
 */
export class RateLimitedError extends OneStopError {
  constructor(message: string, retryAfterSeconds: number, budget: 'requests' | 'cost') {
    super(message, 'RATE_LIMITED', {
      retryAfterSeconds,
      budget,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    });
  }
}
