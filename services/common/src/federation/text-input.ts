import { createRequire } from 'node:module';
import type { GraphQLArgument, GraphQLFieldResolver, GraphQLInputType, GraphQLNamedType, GraphQLSchema } from 'graphql';
import { BadUserInputError } from '../errors.js';

/**
 * graphql-js as the CommonJS instance @apollo/subgraph builds schemas with: its type checks
 * use `instanceof`, and test runners that bundle resolve `import 'graphql'` to the ESM build,
 * a second copy (see the gateway's graphql.ts).
 */
const { defaultFieldResolver, getNamedType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType } =
  createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * The longest `ID` the API accepts (characters). Every id, reference, key and cursor OneStop
 * issues is far shorter (a UUID is 36, a cursor about 80); a longer one cannot exist.
 */
export const MAX_ID_LENGTH = 256;

/**
 * The longest `String` the API accepts (characters). Fields with a real limit (a reason, a
 * name) check their own, smaller one and say so; this bounds what no field should ever get.
 */
export const MAX_STRING_LENGTH = 10_000;

/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. NUL cannot be
 * stored in PostgreSQL text at all (`invalid byte sequence for encoding "UTF8": 0x00`); the
 * others are never part of a name, a number or a note and only hide text from the people who
 * read it.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A UTF-16 surrogate without its other half (String.prototype.isWellFormed, before ES2024 typings). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Anything either check above could object to: one scan decides for almost every text. */
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uD800-\uDFFF]/;

/** What is wrong with one text value, or null when it is fine. */
export function textProblem(value: string, max: number): string | null {
  if (value.length > max) return `must be at most ${max} characters, got ${value.length}`;
  if (!SUSPECT.test(value)) return null;
  const control = CONTROL.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `must not contain the control character U+${code} (at position ${control.index + 1})`;
  }
  // A lone UTF-16 surrogate is not a character: PostgreSQL would store U+FFFD in its place.
  if (LONE_SURROGATE.test(value)) return 'is not well-formed Unicode text (it contains a lone surrogate)';
  return null;
}

/** Whether values of this input type can hold a String or ID anywhere (memoised per named type). */
function holdsText(type: GraphQLInputType, memo: Map<GraphQLNamedType, boolean>): boolean {
  const named = getNamedType(type);
  const known = memo.get(named);
  if (known !== undefined) return known;
  if (isScalarType(named)) {
    const text = named.name === 'String' || named.name === 'ID';
    memo.set(named, text);
    return text;
  }
  if (!isInputObjectType(named)) {
    memo.set(named, false);
    return false;
  }
  memo.set(named, false); // a recursive input type: decided by its other fields
  const result = Object.values(named.getFields()).some((f) => holdsText(f.type, memo));
  memo.set(named, result);
  return result;
}

/** Adds a problem for every String/ID in `value` (of `type`) that is not acceptable text, named by its path. */
function collect(type: GraphQLInputType, value: unknown, path: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return collect(type.ofType, value, path, problems);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((v, i) => collect(type.ofType, v, `${path}[${i}]`, problems));
    else collect(type.ofType, value, path, problems);
    return;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object') return;
    const fields = type.getFields();
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (field) collect(field.type, v, `${path}.${name}`, problems);
    }
    return;
  }
  if (isScalarType(type) && (type.name === 'String' || type.name === 'ID') && typeof value === 'string') {
    const problem = textProblem(value, type.name === 'ID' ? MAX_ID_LENGTH : MAX_STRING_LENGTH);
    if (problem) problems.push(`${path} ${problem}`);
  }
}

/** Every problem with the text in a field's (coerced) arguments, each naming its argument path. */
export function textInputProblems(args: readonly GraphQLArgument[], values: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const arg of args) collect(arg.type, values[arg.name], arg.name, problems);
  return problems;
}

/** How a subgraph applies the shared input layer. */
export interface TextInputOptions {
  /**
   * Fields (`Type.field`) whose own contract answers any malformed text without an error and
   * without storing it: the public receipt look-up promises `{ valid: false }` for any number
   * that is not a valid one. Such a resolver must check the text itself (`textProblem`).
   */
  lenient?: readonly string[];
}

/**
 * The shared input layer: every field of `schema` that takes a String or ID argument (directly,
 * in a list or in an input object) checks it before its resolver (and, for a subscription,
 * before it subscribes) runs. Text with a control character, a lone surrogate, or more than
 * MAX_ID_LENGTH / MAX_STRING_LENGTH characters is BAD_USER_INPUT with a `problems` entry
 * naming the argument path (`input.applicant.fullName`), before anything is read or written.
 * Resolvers can then take any text they get as storable; their own rules (formats, smaller
 * limits) stay theirs. Modifies and returns `schema`.
 */
export function guardTextInput(schema: GraphQLSchema, opts: TextInputOptions = {}): GraphQLSchema {
  const memo = new Map<GraphQLNamedType, boolean>();
  const lenient = new Set(opts.lenient ?? []);
  const subscriptionType = schema.getSubscriptionType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (lenient.has(`${type.name}.${field.name}`)) continue;
      if (!field.args.some((a) => holdsText(a.type, memo))) continue;
      const check = (args: Record<string, unknown>): void => {
        const problems = textInputProblems(field.args, args);
        if (problems.length) throw new BadUserInputError(`The arguments of ${field.name} are not valid`, problems);
      };
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      if (type === subscriptionType) {
        const subscribe = field.subscribe;
        if (subscribe) {
          field.subscribe = (source, args, ctx, info) => {
            check(args);
            return subscribe(source, args, ctx, info);
          };
        }
        // Each event's resolve gets the same arguments, already checked when it subscribed.
        continue;
      }
      field.resolve = (source, args, ctx, info) => {
        check(args);
        return resolve(source, args, ctx, info);
      };
    }
  }
  return schema;
}
