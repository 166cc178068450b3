/** Adds a problem when a required text is empty or longer than `max`. */
export function checkText(problems: string[], field: string, value: string | null | undefined, max = 500): void {
  if (typeof value !== 'string' || !value.trim()) problems.push(`${field} must not be empty`);
  else if (value.length > max) problems.push(`${field} must be at most ${max} characters, got ${value.length}`);
}

/** Adds a problem when `value` is not a valid Date. */
export function checkInstant(problems: string[], field: string, value: Date | null | undefined): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    problems.push(`${field} must be an ISO 8601 date-time`);
}
