const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a syntactically valid UUID: anything else cannot be an id of ours (look it up as not found). */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}
