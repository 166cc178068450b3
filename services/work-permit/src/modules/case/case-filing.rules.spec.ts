import { describe, expect, it } from 'vitest';
import { categoryForPoints, filingHash, parseFiling, type FilingInput } from './case-filing.rules.js';

const TODAY = '2026-03-02';
const base: FilingInput = {
  idempotencyKey: 'key-00000001',
  employerId: '0b7f6d0e-1c2a-4c1e-9a51-000000000001',
  route: 'NOTIFICATION_LETTER',
  notificationLetterNumber: 'nl-2026-001',
  category: 'B',
  applicant: {
    fullName: 'Anna Schmidt',
    nationality: 'DEU',
    passportNumber: 'C01X00T47',
    dateOfBirth: '1990-04-01',
    sex: 'FEMALE',
    householdRegistration: 'NEVER_REGISTERED',
  },
  attachments: ['Degree certificate'],
  contractEndsOn: '2028-03-01',
  passportExpiresOn: '2030-01-01',
};

function renewal(expires: string): FilingInput {
  return {
    ...base,
    route: 'RENEWAL',
    notificationLetterNumber: null,
    renewal: {
      currentWorkPermitNumber: 'WP-110000-0001',
      currentResidencePermitNumber: 'RP-110000-0001',
      currentPermitsExpireOn: expires,
    },
  };
}

describe('filing rules', () => {
  it('accepts each route with its details, and keeps only those', () => {
    expect(parseFiling(base, TODAY).problems).toEqual([]);
    expect(parseFiling(base, TODAY).filing.notificationLetterNumber).toBe('NL-2026-001');
    const inMainland = parseFiling(
      { ...base, route: 'IN_MAINLAND', notificationLetterNumber: null, inMainlandBasis: 'TRANSFER' },
      TODAY,
    );
    expect(inMainland.problems).toEqual([]);
    expect(parseFiling(renewal('2026-04-15'), TODAY).problems).toEqual([]);
  });

  it('requires the route details and refuses details of another route', () => {
    expect(parseFiling({ ...base, notificationLetterNumber: null }, TODAY).problems).toEqual([
      expect.stringMatching(/notificationLetterNumber is required/),
    ]);
    expect(parseFiling({ ...base, route: 'IN_MAINLAND' }, TODAY).problems).toEqual([
      expect.stringMatching(/applies only to the NOTIFICATION_LETTER/),
      expect.stringMatching(/inMainlandBasis is required/),
    ]);
    expect(parseFiling({ ...renewal('2026-04-15'), renewal: null }, TODAY).problems).toEqual([
      expect.stringMatching(/renewal .* is required/),
    ]);
    expect(
      parseFiling(
        { ...base, route: 'IN_MAINLAND', notificationLetterNumber: null, inMainlandBasis: 'CATEGORY_A_ANY_VALID_VISA' },
        TODAY,
      ).problems,
    ).toEqual([expect.stringMatching(/only for Category A/)]);
  });

  it('renewal window: 29 and 91 days refused, 30 and 90 accepted', () => {
    // 2026-03-02 + 29 days = 2026-03-31; + 30 = 04-01; + 90 = 05-31; + 91 = 06-01.
    expect(parseFiling(renewal('2026-03-31'), TODAY).problems).toEqual([
      expect.stringMatching(/29 days away: .* at least 30 days/),
    ]);
    expect(parseFiling(renewal('2026-04-01'), TODAY).problems).toEqual([]);
    expect(parseFiling(renewal('2026-05-31'), TODAY).problems).toEqual([]);
    expect(parseFiling(renewal('2026-06-01'), TODAY).problems).toEqual([
      expect.stringMatching(/91 days away: .* at most 90 days/),
    ]);
    expect(parseFiling(renewal('2026-03-02'), TODAY).problems).toEqual([expect.stringMatching(/expired/)]);
    expect(parseFiling(renewal('2026-03-31'), TODAY, undefined, false).problems).toEqual([]);
  });

  it('points must agree with the category', () => {
    expect([categoryForPoints(85), categoryForPoints(84), categoryForPoints(60), categoryForPoints(59)]).toEqual([
      'A',
      'B',
      'B',
      'C',
    ]);
    expect(parseFiling({ ...base, category: 'A', points: 85 }, TODAY).problems).toEqual([]);
    expect(parseFiling({ ...base, category: 'B', points: 85 }, TODAY).problems).toEqual([
      expect.stringMatching(/points 85 make Category A, not B/),
    ]);
    expect(parseFiling({ ...base, category: 'C', points: 59 }, TODAY).problems).toEqual([]);
    expect(parseFiling({ ...base, category: 'C', points: -1 }, TODAY).problems).toEqual([
      expect.stringMatching(/whole number/),
    ]);
  });

  it('needs attachments, a running contract and a valid passport', () => {
    const r = parseFiling(
      { ...base, attachments: ['A', 'a', ''], contractEndsOn: TODAY, passportExpiresOn: '2026-02-30' },
      TODAY,
    );
    expect(r.problems).toEqual([
      expect.stringMatching(/attachments\[1\] "a" is listed twice/),
      expect.stringMatching(/attachments\[2\] is empty/),
      expect.stringMatching(/contractEndsOn .* has passed/),
      expect.stringMatching(/passportExpiresOn must be a date/),
    ]);
  });

  it('hashes input canonically: key order and the key itself do not matter, content does', () => {
    const reversed = Object.fromEntries(Object.entries({ ...base, idempotencyKey: 'other-key-0001' }).reverse());
    const reordered = JSON.parse(JSON.stringify(reversed)) as FilingInput;
    expect(filingHash(reordered)).toBe(filingHash(base));
    expect(filingHash({ ...base, points: null })).toBe(filingHash(base));
    expect(filingHash({ ...base, category: 'C' })).not.toBe(filingHash(base));
  });
});
