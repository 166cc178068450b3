import { createRequire } from 'node:module';
import path from 'node:path';
import type {
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { graphql } from './graphql.js';

const { isEnumType, isListType, isNonNullType, isObjectType, isScalarType, Kind } = graphql;

/**
 * Result shaping compiled once per operation, for the fast path's federated plans.
 *
 * Apollo Gateway's `computeResponse` (resultShaping.js) builds the client's answer from what
 * the subgraphs returned: it walks the operation and, for every field of every object, looks
 * up its directives, definition and type through the federation model and checks each leaf
 * value against its type. For a page of 20 cases that walk was the largest single item of the
 * gateway's CPU per request. A `Shape` does the same walk over plain precomputed records.
 *
 * It covers operations made only of fields on object types: no fragments, no directives, no
 * interfaces or unions, no introspection, no response name twice in one selection. For those,
 * and for an answer in which nothing is wrong, its output is exactly computeResponse's: the
 * same fields in the same order (objects without prototype, as there), `__typename` resolved
 * the same way. Whenever computeResponse would have anything to say — a null where the schema
 * forbids one, a value that is not valid for its type, a missing list element, an unexpected
 * `__typename` — the shape gives up (`BAIL`) and computeResponse itself shapes the answer.
 */
export type Shape = FieldShape[];

type FieldShape = { responseName: string; typename: true } | { responseName: string; typename: false; type: TypeShape };

type TypeShape =
  | { kind: 'nonNull'; of: TypeShape }
  | { kind: 'list'; of: TypeShape }
  | { kind: 'object'; type: GraphQLObjectType; fields: Shape }
  | { kind: 'leaf'; valid: (value: unknown) => boolean };

/** The shape gave up: computeResponse shapes this answer. */
export const BAIL: unique symbol = Symbol('bail');

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** The shape of an operation (its fragments are not supported), or null when it needs computeResponse. */
export function compileShape(schema: GraphQLSchema, operation: OperationDefinitionNode): Shape | null {
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : null;
  if (!root) return null;
  return compileSelections(schema, operation.selectionSet, root);
}

function compileSelections(schema: GraphQLSchema, set: SelectionSetNode, parent: GraphQLObjectType): Shape | null {
  const shape: Shape = [];
  const names = new Set<string>();
  for (const s of set.selections) {
    if (s.kind !== Kind.FIELD || s.directives?.length) return null;
    const responseName = s.alias?.value ?? s.name.value;
    if (names.has(responseName)) return null;
    names.add(responseName);
    if (s.name.value === '__typename') {
      shape.push({ responseName, typename: true });
      continue;
    }
    if (s.name.value.startsWith('__')) return null;
    const field = parent.getFields()[s.name.value];
    if (!field) return null;
    const type = compileType(schema, field.type, s.selectionSet);
    if (!type) return null;
    shape.push({ responseName, typename: false, type });
  }
  return shape;
}

function compileType(
  schema: GraphQLSchema,
  type: GraphQLOutputType,
  set: SelectionSetNode | undefined,
): TypeShape | null {
  if (isNonNullType(type)) {
    const of = compileType(schema, type.ofType, set);
    return of && { kind: 'nonNull', of };
  }
  if (isListType(type)) {
    const of = compileType(schema, type.ofType, set);
    return of && { kind: 'list', of };
  }
  if (isObjectType(type)) {
    if (!set) return null;
    const fields = compileSelections(schema, set, type);
    return fields && { kind: 'object', type, fields };
  }
  if (set) return null;
  if (isEnumType(type)) return { kind: 'leaf', valid: (v) => typeof v === 'string' && type.getValue(v) !== undefined };
  if (isScalarType(type)) return { kind: 'leaf', valid: leafCheck(type.name) };
  // Interfaces and unions: __typename decides the shape, which computeResponse resolves.
  return null;
}

/** isValidLeafValue of federation-internals, per built-in scalar (custom scalars take any value). */
function leafCheck(scalar: string): (value: unknown) => boolean {
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  switch (scalar) {
    case 'Boolean':
      return (v) => typeof v === 'boolean';
    case 'Int':
      return (v) => finite(v) && INTEGER.test(String(v));
    case 'ID':
      return (v) => typeof v === 'string' || (finite(v) && INTEGER.test(String(v)));
    case 'Float':
      return finite;
    case 'String':
      return (v) => typeof v === 'string';
    default:
      return () => true;
  }
}

const own = Object.prototype.hasOwnProperty;

/** The client's `data` from the merged subgraph answers, or BAIL. */
export function applyShape(
  schema: GraphQLSchema,
  shape: Shape,
  input: Record<string, unknown>,
  root: GraphQLObjectType,
): Record<string, unknown> | typeof BAIL {
  return applyFields(schema, shape, input, root);
}

function applyFields(
  schema: GraphQLSchema,
  shape: Shape,
  input: Record<string, unknown>,
  parent: GraphQLObjectType,
): Record<string, unknown> | typeof BAIL {
  const output = Object.create(null) as Record<string, unknown>;
  for (const f of shape) {
    let value = own.call(input, f.responseName) ? input[f.responseName] : undefined;
    value ??= null;
    if (f.typename) {
      if (value === null && f.responseName !== '__typename') value = input.__typename ?? null;
      let name = parent.name;
      if (typeof value === 'string') {
        const t = schema.getType(value);
        if (t) {
          if (!isObjectType(t)) return BAIL;
          name = t.name;
        }
      }
      output[f.responseName] = name;
      continue;
    }
    const shaped = applyType(schema, f.type, value);
    if (shaped === BAIL) return BAIL;
    output[f.responseName] = shaped;
  }
  return output;
}

function applyType(schema: GraphQLSchema, type: TypeShape, value: unknown): unknown {
  switch (type.kind) {
    case 'nonNull': {
      const shaped = applyType(schema, type.of, value);
      return shaped === null ? BAIL : shaped;
    }
    case 'list': {
      if (value === null) return null;
      if (!Array.isArray(value)) return BAIL;
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i];
        if (element === undefined) return BAIL;
        const shaped = applyType(schema, type.of, element);
        if (shaped === BAIL) return BAIL;
        out[i] = shaped;
      }
      return out;
    }
    case 'object': {
      if (value === null) return null;
      if (typeof value !== 'object' || Array.isArray(value)) return BAIL;
      const object = value as Record<string, unknown>;
      const typename = object.__typename;
      // The planner's __typename names the field's own type here; anything else is computeResponse's to judge.
      if (typename !== undefined && typename !== type.type.name) return BAIL;
      return applyFields(schema, type.fields, object, type.type);
    }
    case 'leaf':
      if (value === null) return null;
      return type.valid(value) ? value : BAIL;
  }
}

/** computeResponse's signature (resultShaping.js of @apollo/gateway). */
type ComputeResponse = (args: {
  operation: unknown;
  variables: Record<string, unknown> | undefined;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: unknown;
}) => { data: unknown; errors: unknown[] };

/** Compiled shapes of the requests the fast path is running, by their variables object (one per request). */
const running = new WeakMap<object, { schema: GraphQLSchema; shape: Shape; root: GraphQLObjectType }>();
let installed: boolean | undefined;

/**
 * Routes Apollo Gateway's result shaping through a compiled shape for the requests that
 * registered one (`shapeWith`), and to computeResponse itself for every other request and
 * every answer the shape gives up on. executeQueryPlan looks computeResponse up on its module
 * at each call, so replacing the export is enough; nothing else in the gateway changes. False
 * when this @apollo/gateway keeps it elsewhere (then every answer is computeResponse's).
 */
export function installCompiledShaping(): boolean {
  if (installed !== undefined) return installed;
  try {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('@apollo/gateway'));
    const shaping = require(path.join(dist, 'resultShaping.js')) as { computeResponse?: ComputeResponse };
    const original = shaping.computeResponse;
    if (typeof original !== 'function') return (installed = false);
    const compiled: ComputeResponse = (args) => {
      const entry = args.variables && args.input ? running.get(args.variables) : undefined;
      if (entry) {
        const data = applyShape(entry.schema, entry.shape, args.input!, entry.root);
        if (data !== BAIL) return { data, errors: [] };
      }
      return original(args);
    };
    shaping.computeResponse = compiled;
    installed = true;
  } catch {
    installed = false;
  }
  return installed;
}

/** Registers the shape for one request, keyed by the variables object it hands executeQueryPlan. */
export function shapeWith(
  variables: object,
  schema: GraphQLSchema,
  shape: Shape,
  operation: OperationDefinitionNode,
): void {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (root) running.set(variables, { schema, shape, root });
}
