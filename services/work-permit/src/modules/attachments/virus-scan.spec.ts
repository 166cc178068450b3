import { describe, expect, it } from 'vitest';
import { parseClamdReply } from './virus-scan.js';

// The protocol itself (INSTREAM framing, infected and unreachable daemons) is tested through the
// real stack against a fake clamd in test/src/work-permit/attachments.test.ts.
describe('clamd replies', () => {
  it('reads clean, infected and error answers', () => {
    expect(parseClamdReply('stream: OK\0')).toEqual({ verdict: 'clean' });
    expect(parseClamdReply('stream: Win.Test.EICAR_HDB-1 FOUND\0')).toEqual({
      verdict: 'infected',
      signature: 'Win.Test.EICAR_HDB-1',
    });
    expect(parseClamdReply('INSTREAM size limit exceeded. ERROR\0').verdict).toBe('error');
    expect(parseClamdReply('').verdict).toBe('error');
  });
});
