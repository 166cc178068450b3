import { describe, expect, it } from 'vitest';
import { countTokens, createProtection, hideSuggestions } from './armor.js';
import { graphql } from './graphql.js';

const schema = graphql.buildSchema(`
  type Query { node(id: ID!): Node }
  type Node { id: ID! child: Node name: String }
`);
const limits = { maxDepth: 3, maxAliases: 2, maxTokens: 60, maxDirectives: 2, maxCost: 1000 };

const messages = (production: boolean, source: string): string => {
  const r = createProtection(limits, production).check(schema, source);
  return 'errors' in r ? r.errors.map((e) => `${e.extensions.code}: ${e.message}`).join('\n') : 'ok';
};

describe('createProtection().check (the WebSocket path)', () => {
  it('accepts an operation within the limits', () => {
    expect(messages(true, '{ node(id: "1") { child { name } } }')).toBe('ok');
  });

  it('depth-limits an operation or a fragment named __schema (the old Armor bypass)', () => {
    for (const production of [false, true]) {
      expect(messages(production, 'query __schema { node(id: "1") { child { child { name } } } }')).toMatch(
        /depth limit of 3 exceeded/,
      );
      expect(
        messages(production, '{ node(id: "1") { child { ...__schema } } } fragment __schema on Node { name }'),
      ).toMatch(/depth limit of 3 exceeded/);
    }
  });

  it('exempts the real __schema field outside production only, and refuses introspection in production', () => {
    const deep = '{ __schema { types { fields { type { name } } } } }';
    expect(messages(false, deep)).toBe('ok');
    expect(messages(true, deep)).toMatch(/depth limit of 3 exceeded/);
    expect(messages(true, deep)).toMatch(/introspection has been disabled/);
  });

  it('limits aliases, directives and tokens, with the codes Apollo uses', () => {
    expect(messages(false, '{ a: node(id: "1") { id } b: node(id: "2") { id } c: node(id: "3") { id } }')).toMatch(
      /GRAPHQL_VALIDATION_FAILED: .*aliases limit of 2/i,
    );
    expect(
      messages(false, '{ node(id: "1") { id @skip(if: false) name @skip(if: false) child @skip(if: false) { id } } }'),
    ).toMatch(/directives limit of 2/i);
    expect(messages(false, `{ node(id: "1") { ${'id '.repeat(70)}} }`)).toBe(
      'GRAPHQL_PARSE_FAILED: Syntax Error: Token limit of 60 exceeded.',
    );
    expect(messages(false, '{ node(id: ')).toMatch(/^GRAPHQL_PARSE_FAILED: Syntax Error/);
  });

  it('hides field suggestions in production only', () => {
    expect(messages(false, '{ node(id: "1") { nam } }')).toMatch(/Did you mean "name"\?/);
    expect(messages(true, '{ node(id: "1") { nam } }')).toBe(
      'GRAPHQL_VALIDATION_FAILED: Cannot query field "nam" on type "Node".',
    );
    expect(hideSuggestions('Cannot query field "x" on type "Y". Did you mean "z"?')).toBe(
      'Cannot query field "x" on type "Y".',
    );
  });
});

describe('createProtection caches (same verdicts, computed once per text)', () => {
  it('keeps refusing a document over the token limit, however often a valid one was counted', () => {
    const protection = createProtection(limits, true);
    const within = '{ node(id: "1") { id } }';
    const over = `{ node(id: "1") { ${'id '.repeat(70)}} }`;
    for (let i = 0; i < 3; i++) {
      expect(protection.tokenLimitError(within)).toBeNull();
      expect(protection.tokenLimitError(over)?.message).toBe('Syntax Error: Token limit of 60 exceeded.');
    }
  });

  it('gives the same checked document for the same text, and still refuses an invalid one every time', () => {
    const protection = createProtection(limits, true);
    const source = '{ node(id: "1") { child { name } } }';
    const first = protection.check(schema, source);
    expect('document' in first && first.document).toBeTruthy();
    const again = protection.check(schema, source);
    expect('document' in again && 'document' in first && again.document === first.document).toBe(true);
    const deep = '{ node(id: "1") { child { child { child { name } } } } }';
    for (let i = 0; i < 2; i++) expect('errors' in protection.check(schema, deep)).toBe(true);
    // Another schema: the document is checked again, against that schema.
    const other = graphql.buildSchema('type Query { other: String }');
    expect('errors' in protection.check(other, source)).toBe(true);
  });
});

describe('countTokens', () => {
  it('counts lexical tokens and stops past the limit', () => {
    expect(countTokens('{ a b }', 100)).toBe(4);
    expect(countTokens('{ a b c d e f }', 3)).toBe(4);
    expect(countTokens('{ "unterminated', 100)).toBe(1);
  });
});
