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
