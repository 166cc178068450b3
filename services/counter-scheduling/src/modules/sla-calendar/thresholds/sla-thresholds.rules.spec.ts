import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA_THRESHOLDS } from '@onestop/common/contract';
import { thresholdProblems } from './sla-thresholds.rules.js';

describe('thresholdProblems', () => {
  it('accepts the defaults', () => {
    expect(thresholdProblems({ ...DEFAULT_SLA_THRESHOLDS, warningPercents: [50, 75] })).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(
      thresholdProblems({
        counterWaitMinutes: 0,
        passportCustodyWorkingDays: 10.5,
        warningPercents: [75, 50, 100, 20, 30, 40],
      }),
    ).toEqual([
      'counterWaitMinutes: must be a whole number of minutes from 1 to 480, got 0',
      'passportCustodyWorkingDays: must be a whole number of working days from 1 to 60, got 10.5',
      'warningPercents: at most 5 warnings, got 6',
      'warningPercents[1]: 50 must be greater than the warning before it (75)',
      'warningPercents[2]: must be a whole percentage from 1 to 99 (100 is the breach), got 100',
      'warningPercents[3]: 20 must be greater than the warning before it (100)',
    ]);
  });
});
