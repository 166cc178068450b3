import { InvariantError } from '@onestop/common';
/** What an object store is told about an object when it is written. */
export interface ObjectMeta {
  contentType: string;
  /** Hex SHA-256 of the bytes (stored beside them, checked again on read by callers that care). */
  sha256: string;
}

/**
 * Where attachment bytes live. Objects are immutable: `put` refuses a key that already exists
 * (a correction is a new object under a new key, so the filed version stays as it was).
 * Two implementations: the local filesystem (the default of `pnpm start`) and any
 * S3-compatible store; the same test suite runs against both.
 */
export interface ObjectStore {
  /** A short name for logs and errors: `filesystem` or `s3`. */
  readonly kind: string;
  /** Writes an object; throws ObjectExistsError when the key is taken. */
  put(key: string, body: Buffer, meta: ObjectMeta): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** Whether the object exists. */
  has(key: string): Promise<boolean>;
  /** Deletes an object (retention); deleting a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix, sorted (tests and operators). */
  list(prefix: string): Promise<string[]>;
  /** Readiness: the store answers. */
  check(): Promise<void>;
}

/** `put` on a key that already holds an object: objects are never overwritten. */
export class ObjectExistsError extends Error {
  override readonly name = 'ObjectExistsError';
  constructor(readonly key: string) {
    super(`An object already exists at ${key}; objects are immutable.`);
  }
}

/** Keys are ours (ids and version numbers), but check them so no path can escape the store. */
export function assertKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(key) || key.includes('..')) {
    throw new InvariantError(`Not a valid object key: ${JSON.stringify(key)}`);
  }
}
