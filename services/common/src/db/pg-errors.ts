/**
 * Whether a database error is PostgreSQL's unique violation (23505) on the named constraint or
 * index: the backstop that turns the second of two concurrent first attempts (one idempotency
 * key, one active appointment) into a replay or a CONFLICT instead of a 500. Reads both the
 * `pg` error and TypeORM's QueryFailedError wrapper.
 */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.code ?? e?.driverError?.code;
  const name = e?.constraint ?? e?.driverError?.constraint;
  return code === '23505' && name === constraint;
}

/** SQLSTATEs of a database that cannot serve right now: connection exceptions, shutdown, no free connection. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P01|57P02|57P03|53300)$/;
/** Socket errors of a database that cannot be reached. */
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** What node-postgres says when a connection drops or none can be had (it gives these no code). */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable)/;

/**
 * Whether an error means the database is unreachable or lost the connection (stopped, restarted,
 * a failover, the connection terminated, every connection taken), as opposed to a fault in the
 * statement: the request may be retried as it is. Reads the `pg` error, TypeORM's
 * QueryFailedError wrapper and `cause` chains.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as Record<string, unknown> | undefined, depth = 0; e && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    // AggregateError (a connection refused on every address of localhost).
    if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x))) return true;
    e = (e.driverError ?? e.cause) as Record<string, unknown> | undefined;
  }
  return false;
}
