/** The longest idempotency key any mutation accepts. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * The one rule for an idempotency key, whatever the mutation (fileCase, bookAppointment,
 * scheduleVerification, the clerks' counter mutations): not blank, at most 200 characters.
 * Control characters and lone surrogates are refused before, by the text input layer
 * (decision 0013). Returns the problems to report as BAD_USER_INPUT (empty: the key is fine).
 */
export function idempotencyKeyProblems(key: string | null | undefined): string[] {
  if (typeof key !== 'string' || !key.trim()) return ['idempotencyKey must not be empty'];
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    return [`idempotencyKey must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`];
  return [];
}
