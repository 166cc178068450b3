import { describe, expect, it } from 'vitest';
import { ageOn, exemptionsFor, interviewRule, type InterviewFacts } from './interview-rule.js';

const base: InterviewFacts = {
  dateOfBirth: '1990-06-15',
  filedOn: '2026-03-02',
  route: 'NOTIFICATION_LETTER',
  claimedGrounds: [],
  demanded: false,
  faceToFaceCompleted: false,
  faceToFaceScheduled: false,
};

describe('ageOn', () => {
  it('counts the birthday itself: 60 on the 60th birthday, 59 the day before', () => {
    expect(ageOn('1966-03-02', '2026-03-02')).toBe(60);
    expect(ageOn('1966-03-02', '2026-03-01')).toBe(59);
    expect(ageOn('1966-03-02', '2026-03-03')).toBe(60);
  });

  it('a 29 February birthday: a year older on 29 February in a leap year, on 1 March in a common year', () => {
    expect(ageOn('1968-02-29', '2028-02-28')).toBe(59);
    expect(ageOn('1968-02-29', '2028-02-29')).toBe(60);
    expect(ageOn('1964-02-29', '2025-02-28')).toBe(60);
    expect(ageOn('1964-02-29', '2025-03-01')).toBe(61);
    // 2100 is a common year (divisible by 100, not by 400): born 29 Feb 2040, 60 on 1 March 2100.
    expect(ageOn('2040-02-29', '2100-02-28')).toBe(59);
    expect(ageOn('2040-02-29', '2100-03-01')).toBe(60);
  });

  it('rejects dates that do not exist', () => {
    expect(() => ageOn('1966-02-29', '2026-03-02')).toThrow(RangeError);
    expect(() => ageOn('1966-13-01', '2026-03-02')).toThrow(RangeError);
  });
});

describe('interviewRule', () => {
  it('requires an interview when no exemption applies', () => {
    const o = interviewRule(base);
    expect(o).toMatchObject({
      required: true,
      exemptions: [],
      satisfied: false,
      scheduled: false,
      status: 'PENDING',
      proxyAllowed: false,
    });
    expect(o.reason).toMatch(/no exemption applies/);
  });

  it('exempts an applicant aged 60 exactly on the filing date, not the day before', () => {
    expect(interviewRule({ ...base, dateOfBirth: '1966-03-02' })).toMatchObject({
      required: false,
      exemptions: ['AGED_60_OR_OVER'],
      satisfied: true,
      status: 'NOT_REQUIRED',
      proxyAllowed: true,
    });
    expect(interviewRule({ ...base, dateOfBirth: '1966-03-03' })).toMatchObject({ required: true, exemptions: [] });
  });

  it('exempts a 29 February birthday from its 60th birthday: 29 February in a leap year, 1 March in a common one', () => {
    expect(interviewRule({ ...base, dateOfBirth: '1968-02-29', filedOn: '2028-02-28' }).exemptions).toEqual([]);
    expect(interviewRule({ ...base, dateOfBirth: '1968-02-29', filedOn: '2028-02-29' }).exemptions).toEqual([
      'AGED_60_OR_OVER',
    ]);
    expect(interviewRule({ ...base, dateOfBirth: '2040-02-29', filedOn: '2100-02-28' }).exemptions).toEqual([]);
    expect(interviewRule({ ...base, dateOfBirth: '2040-02-29', filedOn: '2100-03-01' }).exemptions).toEqual([
      'AGED_60_OR_OVER',
    ]);
  });

  it('exempts a renewal automatically, and each declared ground', () => {
    expect(interviewRule({ ...base, route: 'RENEWAL' }).exemptions).toEqual(['RENEWAL']);
    for (const g of ['MOBILITY_ISSUES', 'HIGH_LEVEL_TALENT', 'URGENTLY_NEEDED_SPECIALIST'] as const) {
      expect(interviewRule({ ...base, claimedGrounds: [g] })).toMatchObject({ required: false, exemptions: [g] });
    }
  });

  it('ignores a claimed ground that cannot be claimed (age and renewal come from the filing)', () => {
    expect(exemptionsFor({ ...base, claimedGrounds: ['AGED_60_OR_OVER', 'RENEWAL', 'NONSENSE'] })).toEqual([]);
  });

  it('lists every exemption in the guide order and names them in the reason', () => {
    const o = interviewRule({
      ...base,
      dateOfBirth: '1950-01-01',
      route: 'RENEWAL',
      claimedGrounds: ['URGENTLY_NEEDED_SPECIALIST', 'MOBILITY_ISSUES'],
    });
    expect(o.exemptions).toEqual(['AGED_60_OR_OVER', 'MOBILITY_ISSUES', 'RENEWAL', 'URGENTLY_NEEDED_SPECIALIST']);
    expect(o.reason).toContain('aged 60 or over');
    expect(o.reason).toContain('renewal');
  });

  it('an officer may demand an interview of an exempt applicant', () => {
    const o = interviewRule({ ...base, route: 'RENEWAL', demanded: true });
    expect(o).toMatchObject({
      required: true,
      exemptions: ['RENEWAL'],
      satisfied: false,
      status: 'PENDING',
      proxyAllowed: true,
    });
    expect(o.reason).toMatch(/demanded/);
  });

  it('a scheduled interview is scheduled; a completed one satisfies the requirement', () => {
    expect(interviewRule({ ...base, faceToFaceScheduled: true })).toMatchObject({
      scheduled: true,
      satisfied: false,
      status: 'SCHEDULED',
    });
    expect(interviewRule({ ...base, faceToFaceCompleted: true, faceToFaceScheduled: true })).toMatchObject({
      completed: true,
      scheduled: false,
      satisfied: true,
      status: 'COMPLETED',
    });
  });

  it('no date of birth: no age exemption, the rest still applies', () => {
    expect(interviewRule({ ...base, dateOfBirth: null }).required).toBe(true);
    expect(interviewRule({ ...base, dateOfBirth: 'garbage', route: 'RENEWAL' }).exemptions).toEqual(['RENEWAL']);
  });
});
