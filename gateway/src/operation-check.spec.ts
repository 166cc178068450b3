import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOperations } from './operation-check.js';

// A one-subgraph supergraph is enough: the check runs against its API schema.
const SUPERGRAPH = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION) { query: Query }
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph { A @join__graph(name: "a", url: "http://a/graphql") }
type Query @join__type(graph: A) { node: Node }
type Node @join__type(graph: A) { name: String child: Node }
`;

describe('checkOperations', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'onestop-opcheck-'));
    await writeFile(path.join(dir, 'ok.graphql'), 'query Ok { node { ...N } } fragment N on Node { name }');
    await writeFile(
      path.join(dir, 'bad.graphql'),
      'query Bad { node { nope } } query Deep { node { child { child { child { name } } } } }',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports invalid operations and operations over the limits, by file and name', async () => {
    const problems = await checkOperations(SUPERGRAPH, dir, {
      maxDepth: 4,
      maxAliases: 5,
      maxTokens: 500,
      maxDirectives: 5,
      maxCost: 1000,
    });
    expect(problems.map((p) => [path.basename(p.file), p.operation])).toEqual([
      ['bad.graphql', 'Bad'],
      ['bad.graphql', 'Deep'],
    ]);
    expect(problems[0]!.errors.join()).toMatch(/Cannot query field "nope"/);
    expect(problems[1]!.errors.join()).toMatch(/depth limit of 4/i);
  });
});
