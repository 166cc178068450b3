import { describe, expect, it } from 'vitest';
import { isWellFormedRequestId, requestIdFrom } from './request-id.js';

describe('requestIdFrom', () => {
  it('keeps a well-formed client id', () => {
    expect(requestIdFrom('dashboard-7f3a9c21')).toBe('dashboard-7f3a9c21');
    expect(requestIdFrom(['trace.0001:abc', 'other'])).toBe('trace.0001:abc');
  });

  it('replaces a missing, short, long or log-forging id with a UUID', () => {
    for (const bad of [
      undefined,
      '',
      'short',
      'x'.repeat(129),
      'has space in it',
      'line\nbreak-12345',
      '-leading-dash-123',
      'quote"inside-1234',
    ]) {
      const id = requestIdFrom(bad);
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(isWellFormedRequestId(id)).toBe(true);
    }
  });
});
