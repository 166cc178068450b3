import { describe, expect, it } from 'vitest';
import { DEMO_EMPLOYERS } from '@onestop/common/testing';
import { creditCodeCheckCharacter, creditCodeProblem } from './credit-code.js';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts a published real code and every demo employer', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull();
    for (const e of DEMO_EMPLOYERS) expect(creditCodeProblem(e.creditCode), e.creditCode).toBeNull();
  });

  it('computes the check character, writing 31 as 0', () => {
    expect(creditCodeCheckCharacter('91350100M000100Y4')).toBe('3');
    // Find a prefix whose weighted sum is a multiple of 31: its check character is 0, not 31.
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const zero = [...alphabet].map((c) => `9111010800000000${c}`).find((p) => creditCodeCheckCharacter(p) === '0');
    expect(zero).toBeDefined();
  });

  it('names what is wrong', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toMatch(/18 characters/);
    expect(creditCodeProblem('91350100M000100Y44')).toMatch(/check character 4, but GB 32100-2015 gives 3/);
    expect(creditCodeProblem('91350100M0001O0Y43')).toMatch(/"O".*alphabet/);
    expect(creditCodeProblem('91A50100M000100Y43')).toMatch(/administrative division/);
  });
});
