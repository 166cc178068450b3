import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import type { OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { graphql } from './graphql.js';
import { applyShape, BAIL, compileShape } from './result-shaping.js';

const require = createRequire(import.meta.url);
const { computeResponse } = require(
  path.join(path.dirname(require.resolve('@apollo/gateway')), 'resultShaping.js'),
) as {
  computeResponse: (args: object) => { data: unknown; errors: { message: string }[] };
};

const supergraph = Supergraph.build(
  readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema/supergraph.graphql'), 'utf8'),
);
const apiSchema = supergraph.apiSchema();
const schema = apiSchema.toGraphQLJSSchema();

const PAGE = `query Page($first: Int) { cases(first: $first) { edges { node {
  id reference status category kind: __typename
  residencePermit { id status }
  sla { kind dueAt state }
  appointment { id letterNumber slotStart status counter { id name } }
} } } }`;

const node = (i: number): Record<string, unknown> => ({
  __typename: 'Case',
  id: `c${i}`,
  reference: `OS-2026-00000${i}`,
  status: 'SUBMITTED',
  category: 'B',
  residencePermit: i % 2 ? null : { __typename: 'ResidencePermit', id: `r${i}`, status: 'AWAITING_DOCUMENTS' },
  sla: [{ kind: 'PRE_EXAMINATION', dueAt: '2026-12-01T00:00:00.000Z', state: 'RUNNING' }],
  appointment: {
    id: `a${i}`,
    letterNumber: `L${i}`,
    slotStart: '2026-12-01T01:00:00.000Z',
    status: 'BOOKED',
    counter: { id: 'chaoyang-cbd', name: 'Chaoyang CBD' },
  },
});

/** What computeResponse makes of `input` for `query`, and what the compiled shape makes of it. */
function both(query: string, input: Record<string, unknown>): { original: unknown; compiled: unknown } {
  const document = graphql.parse(query);
  const op = document.definitions[0] as OperationDefinitionNode;
  const shape = compileShape(schema, op);
  if (!shape) throw new Error('no shape');
  const operation = operationFromDocument(apiSchema, document, { validate: false });
  let original: unknown;
  try {
    original = computeResponse({ operation, variables: {}, input, introspectionHandling: () => null });
  } catch (err) {
    // executeQueryPlan turns this into the request's error.
    original = { data: null, errors: [(err as Error).message] };
  }
  const compiled = applyShape(schema, shape, input, schema.getQueryType()!);
  return { original, compiled };
}

describe('compiled result shaping', () => {
  it('gives computeResponse’s data, keys in the same order, for a valid federated page', () => {
    const input = { cases: { edges: [0, 1, 2].map((i) => ({ node: node(i) })) } };
    const { original, compiled } = both(PAGE, input);
    expect(original).toMatchObject({ errors: [] });
    expect(compiled).not.toBe(BAIL);
    expect(JSON.stringify(compiled)).toBe(JSON.stringify((original as { data: unknown }).data));
    // The planner's keys and typenames are gone; the aliased __typename is answered.
    expect(JSON.stringify(compiled)).not.toContain('"__typename"');
    expect(JSON.stringify(compiled)).toContain('"kind":"Case"');
  });

  it('gives up wherever computeResponse reports a problem, and never disagrees with it otherwise', () => {
    const broken: [string, (n: Record<string, unknown>) => void][] = [
      ['a null in a non-null field', (n) => (n.reference = null)],
      ['a missing non-null field', (n) => delete n.status],
      ['an enum value the schema does not have', (n) => (n.status = 'NOT_A_STATUS')],
      ['a number for a String', (n) => (n.reference = 42)],
      ['an object where a list belongs', (n) => (n.sla = { kind: 'PRE_EXAMINATION' })],
      ['a null in a list of non-null', (n) => (n.sla = [null])],
      ['another type’s __typename', (n) => (n.__typename = 'ServiceCounter')],
    ];
    for (const [what, breakIt] of broken) {
      const n = node(0);
      breakIt(n);
      const { original, compiled } = both(PAGE, { cases: { edges: [{ node: n }] } });
      const o = original as { data: unknown; errors: unknown[] };
      // Where computeResponse reports a problem the shape has given up; where it has not, both agree.
      if (o.errors.length > 0) expect(compiled, what).toBe(BAIL);
      if (compiled !== BAIL) expect(JSON.stringify(compiled), what).toBe(JSON.stringify(o.data));
    }
  });

  it('compiles only operations it shapes exactly: no fragments, directives, introspection or repeated names', () => {
    const shapeOf = (q: string): unknown =>
      compileShape(schema, graphql.parse(q).definitions[0] as OperationDefinitionNode);
    expect(shapeOf('{ cases { edges { node { id } } } }')).not.toBeNull();
    expect(shapeOf('{ cases { edges { node { ...on Case { id } } } } }')).toBeNull();
    expect(shapeOf('query($x: Boolean!) { cases { edges { node { id @include(if: $x) } } } }')).toBeNull();
    expect(shapeOf('{ __schema { types { name } } }')).toBeNull();
    expect(shapeOf('{ cases { edges { node { id id } } } }')).toBeNull();
  });
});
