// Decorators below run when @onestop/common is imported, also in processes without type-graphql schemas (the gateway).
import 'reflect-metadata';
import { Directive, Field, ObjectType } from 'type-graphql';
import { BadUserInputError } from '../errors.js';

/**
 * Relay's `PageInfo`, shared by every subgraph that pages a list. It is a value type defined in
 * several subgraphs, so Federation 2 needs it `@shareable` and identical everywhere: define it
 * once, here, and import it rather than declaring another.
 */
@Directive('@shareable')
@ObjectType('PageInfo', { description: 'Relay cursor-connection page information.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** The largest page a client may ask for, unless a list says otherwise. */
export const MAX_PAGE_SIZE = 100;

/** Validates a Relay `first` argument; `problems` collects what is wrong. */
export function pageSize(
  first: number | null | undefined,
  problems: string[],
  defaultSize = 20,
  max = MAX_PAGE_SIZE,
): number {
  if (first === null || first === undefined) return defaultSize;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    problems.push(`first must be a whole number from 1 to ${max}, got ${String(first)}`);
    return defaultSize;
  }
  return first;
}

/** An opaque cursor for a keyset position (e.g. a timestamp and an id). */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor} with `arity` parts; a cursor the server did not
 * make adds a problem and returns null.
 */
export function decodeCursor(cursor: string | null | undefined, arity: number, problems: string[]): string[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === 'string'))
      return parts as string[];
  } catch {
    // falls through to the problem below
  }
  problems.push('after is not a cursor this list returned');
  return null;
}

/** Throws one BadUserInputError listing every problem, when there are any. */
export function assertNoProblems(message: string, problems: readonly string[]): void {
  if (problems.length) throw new BadUserInputError(message, problems);
}
