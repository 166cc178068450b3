import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { guardTextInput, MAX_ID_LENGTH, MAX_STRING_LENGTH, textProblem } from './text-input.js';

// The CommonJS graphql-js, as subgraph schemas are built with (see text-input.ts).
const { buildSchema, graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

describe('textProblem', () => {
  it('accepts ordinary text in any script, with tabs and line breaks', () => {
    for (const ok of ['OS-2026-000001', '学位证书', 'Müller\tcopy', 'line 1\r\nline 2', 'emoji 😀', ''])
      expect(textProblem(ok, 100)).toBeNull();
  });

  it('names a control character and where it is, a lone surrogate, and an over-long text', () => {
    expect(textProblem('ab\u0000c', 100)).toBe('must not contain the control character U+0000 (at position 3)');
    expect(textProblem('\u001b[31m', 100)).toMatch(/U\+001B/);
    expect(textProblem('del\u007f', 100)).toMatch(/U\+007F/);
    expect(textProblem('a\ud800', 100)).toMatch(/lone surrogate/);
    expect(textProblem('\udc00a', 100)).toMatch(/lone surrogate/);
    expect(textProblem('x'.repeat(11), 10)).toBe('must be at most 10 characters, got 11');
  });
});

describe('guardTextInput', () => {
  const schema = guardTextInput(
    buildSchema(`
      input Person { name: String! aliases: [String!] friend: Person }
      type Query { echo(id: ID, text: String, people: [Person!], n: Int): String }
      type Mutation { touch(id: ID!): Boolean }
    `),
  );
  let touched = 0;
  const rootValue = { echo: () => 'ran', touch: () => (touched++, true) };
  const run = (source: string, variableValues: Record<string, unknown>) =>
    graphql({ schema, source, rootValue, variableValues });

  it('runs the resolver when every text is fine', async () => {
    expect((await run('query ($t: String) { echo(text: $t, n: 1) }', { t: 'fine' })).data).toEqual({ echo: 'ran' });
  });

  it('refuses with BAD_USER_INPUT naming each bad argument path, before the resolver runs', async () => {
    const res = await run('query ($p: [Person!]) { echo(people: $p) }', {
      p: [{ name: 'ok' }, { name: 'a\u0000', aliases: ['b', 'c\ud800'], friend: { name: 'd\u0001' } }],
    });
    expect(res.data).toEqual({ echo: null });
    expect(res.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      problems: [
        'people[1].name must not contain the control character U+0000 (at position 2)',
        'people[1].aliases[1] is not well-formed Unicode text (it contains a lone surrogate)',
        'people[1].friend.name must not contain the control character U+0001 (at position 2)',
      ],
    });
    const mutation = await run('mutation ($id: ID!) { touch(id: $id) }', { id: 'x'.repeat(MAX_ID_LENGTH + 1) });
    expect(mutation.errors?.[0]?.extensions?.problems).toEqual([
      `id must be at most ${MAX_ID_LENGTH} characters, got ${MAX_ID_LENGTH + 1}`,
    ]);
    expect(touched).toBe(0);
    const long = await run('query ($t: String) { echo(text: $t) }', { t: 'x'.repeat(MAX_STRING_LENGTH + 1) });
    expect(long.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('checks literals in the document as well as variables', async () => {
    const res = await graphql({ schema, source: '{ echo(text: "a\\u0000b") }', rootValue });
    expect(res.errors?.[0]?.extensions?.problems).toEqual([
      'text must not contain the control character U+0000 (at position 2)',
    ]);
  });
});
