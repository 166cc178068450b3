import { describe, expect, it } from 'vitest';
import { maskDateOfBirth, maskPassportNumber, parseApplicant, type ApplicantInputData } from './applicant.rules.js';
import { ISO_3166_ALPHA3 } from './nationality.js';

const valid: ApplicantInputData = {
  fullName: '  Anna   Schmidt ',
  nationality: 'deu',
  passportNumber: 'c01x00t47',
  dateOfBirth: '1990-04-01',
  sex: 'FEMALE',
  householdRegistration: 'NEVER_REGISTERED',
};

describe('applicant rules', () => {
  it('normalises a valid applicant', () => {
    const problems: string[] = [];
    expect(parseApplicant(valid, '2026-11-27', problems)).toMatchObject({
      fullName: 'Anna Schmidt',
      nationality: 'DEU',
      passportNumber: 'C01X00T47',
    });
    expect(problems).toEqual([]);
  });

  it('knows the 249 ISO 3166-1 alpha-3 codes', () => {
    expect(ISO_3166_ALPHA3.size).toBe(249);
    for (const code of ['USA', 'GBR', 'KOR', 'PRK', 'SSD', 'TLS']) expect(ISO_3166_ALPHA3.has(code)).toBe(true);
    for (const code of ['XKX', 'UK', 'GER', 'EUE', 'UNO']) expect(ISO_3166_ALPHA3.has(code)).toBe(false);
  });

  it('lists every problem at once', () => {
    const problems: string[] = [];
    parseApplicant(
      {
        fullName: '',
        nationality: 'GER',
        passportNumber: 'AB',
        dateOfBirth: '2010-02-30',
        sex: 'X' as never,
        householdRegistration: 'NOT_CANCELLED',
      },
      '2026-11-27',
      problems,
    );
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/fullName is required/);
    expect(problems.join('\n')).toMatch(/nationality must be an ISO 3166-1 alpha-3/);
    expect(problems.join('\n')).toMatch(/passportNumber must be 5 to 20/);
    expect(problems.join('\n')).toMatch(/dateOfBirth must be a date/);
    expect(problems.join('\n')).toMatch(/sex must be one of/);
    expect(problems.join('\n')).toMatch(/must cancel it before applying/);
  });

  it('refuses Chinese citizens, minors and future births', () => {
    const p1: string[] = [];
    parseApplicant({ ...valid, nationality: 'CHN' }, '2026-11-27', p1);
    expect(p1).toEqual([expect.stringMatching(/Chinese citizen/)]);
    const p2: string[] = [];
    parseApplicant({ ...valid, dateOfBirth: '2008-11-28' }, '2026-11-27', p2);
    expect(p2).toEqual([expect.stringMatching(/at least 18/)]);
    const p3: string[] = [];
    parseApplicant({ ...valid, dateOfBirth: '2008-11-27' }, '2026-11-27', p3);
    expect(p3).toEqual([]);
    const p4: string[] = [];
    parseApplicant({ ...valid, dateOfBirth: '2027-01-01' }, '2026-11-27', p4);
    expect(p4).toEqual([expect.stringMatching(/in the future/)]);
  });

  it('masks personal data', () => {
    expect(maskPassportNumber('E12345678')).toBe('E1234****');
    expect(maskPassportNumber('AB1234')).toBe('AB1***');
    expect(maskDateOfBirth('1985-06-30')).toBe('1985-**-**');
  });
});
