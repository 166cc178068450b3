import { describe, expect, it } from 'vitest';
import { isDataOnlyBody } from './data-source.js';

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
