import { describe, expect, it } from 'vitest';
import { isDataOnlyBody, requestBody } from './data-source.js';

describe('isDataOnlyBody (the pass-through forwards these bytes unparsed)', () => {
  it('accepts exactly {"data":{…}} as JSON.stringify writes it, with or without the newline', () => {
    const data = { a: [{ b: '}]"\\' }, { c: null }], d: { e: '{"errors":[]}' }, f: 1.5, g: '北京' };
    const body = JSON.stringify({ data });
    expect(isDataOnlyBody(body)).toBe(true);
    expect(isDataOnlyBody(`${body}\n`)).toBe(true);
  });

  it('leaves everything else to the parser: errors, extensions, null data, spaces, trailing bytes', () => {
    expect(isDataOnlyBody(JSON.stringify({ errors: [{ message: 'x' }], data: { a: 1 } }))).toBe(false);
    expect(isDataOnlyBody(JSON.stringify({ data: { a: 1 }, errors: [{ message: 'x' }] }))).toBe(false);
    expect(isDataOnlyBody(JSON.stringify({ data: { a: 1 }, extensions: { x: 1 } }))).toBe(false);
    expect(isDataOnlyBody(JSON.stringify({ data: null }))).toBe(false);
    expect(isDataOnlyBody('{ "data": { "a": 1 } }')).toBe(false);
    expect(isDataOnlyBody('{"data":{"a":1}}\n\n')).toBe(false);
    expect(isDataOnlyBody('{"data":{"a":1}')).toBe(false);
    expect(isDataOnlyBody('{"data":{"a":"}"}')).toBe(false);
    expect(isDataOnlyBody('{"data":{"a":1}}}')).toBe(false);
  });
});

describe('requestBody', () => {
  it('is JSON.stringify of the subgraph request, byte for byte', () => {
    const query = 'query Q($id: ID!) { case(id: $id) { id note } } # "quoted" \\ 北京';
    const cases: [Record<string, unknown> | undefined, string | undefined, Record<string, unknown> | undefined][] = [
      [undefined, undefined, undefined],
      [{}, undefined, undefined],
      [{ id: 'c-1', n: 2, list: [1, null], nested: { a: undefined, b: '"\n' } }, 'Q', undefined],
      [Object.assign(Object.create(null) as Record<string, unknown>, { id: 'x' }), 'Q', undefined],
      [{ id: 'c-1' }, undefined, { persisted: true }],
    ];
    for (const [variables, operationName, extensions] of cases) {
      // Twice: the second call uses the kept JSON string of the query.
      for (let i = 0; i < 2; i++)
        expect(requestBody(query, variables, operationName, extensions)).toBe(
          JSON.stringify({ query, variables, operationName, extensions }),
        );
    }
  });
});
