import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/**
 * The messages to show for a failed operation: the API's own words (its errors carry
 * messages a person can act on), or a plain network message.
 */
export function errorMessages(error: unknown): string[] {
  if (!error) return [];
  if (CombinedGraphQLErrors.is(error)) {
    // The API's message already names every problem (BAD_USER_INPUT lists `extensions.problems` in it).
    return error.errors.map((e) => e.message);
  }
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: { message?: string }[] };
      const msgs = (body.errors ?? []).map((e) => e.message).filter((m): m is string => !!m);
      if (msgs.length) return msgs;
    } catch {
      // not JSON: fall through
    }
    return [`${error.statusCode}: ${error.message}`];
  }
  if (error instanceof Error) return [error.message];
  return [String(error)];
}

/** The first error code, e.g. FORBIDDEN, NOT_FOUND. */
export function errorCode(error: unknown): string | undefined {
  if (CombinedGraphQLErrors.is(error)) return error.errors[0]?.extensions?.code as string | undefined;
  if (ServerError.is(error)) {
    try {
      return (JSON.parse(error.bodyText) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions
        ?.code;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
