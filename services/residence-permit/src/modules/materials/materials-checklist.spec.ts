import { describe, expect, it } from 'vitest';
import { MATERIAL_LABELS, materialUpdateProblems, summarizeChecklist } from './materials-checklist.js';

const allChecks = { blackInk: true, colourPhoto2Inch: true, whiteBackground: true, noHeadwear: true };

describe('materialUpdateProblems', () => {
  it('accepts a well-formed list', () => {
    expect(
      materialUpdateProblems([
        { item: 'PASSPORT', state: 'VERIFIED' },
        { item: 'APPLICATION_FORM', state: 'VERIFIED', applicationForm: allChecks },
        { item: 'ACCOMMODATION_REGISTRATION', state: 'PRESENT', note: 'hotel slip, stamp unclear' },
      ]),
    ).toEqual([]);
  });

  it('names every problem at once', () => {
    const problems = materialUpdateProblems([
      { item: 'PASSPORT', state: 'VERIFIED', applicationForm: allChecks },
      { item: 'PASSPORT', state: 'LOST' },
      { item: 'VISA', state: 'VERIFIED' },
      {
        item: 'APPLICATION_FORM',
        state: 'VERIFIED',
        applicationForm: { ...allChecks, blackInk: false, noHeadwear: false },
      },
    ]);
    expect(problems).toEqual([
      'items[0].applicationForm applies only to APPLICATION_FORM',
      'items[1]: PASSPORT is listed more than once',
      'items[1].state must be one of MISSING, PRESENT, VERIFIED',
      'items[2].item must be one of PASSPORT, APPLICATION_FORM, ACCOMMODATION_REGISTRATION, EMPLOYER_OPINION_LETTER',
      'items[3]: the application form cannot be verified: the form must be filled in black ink',
      'items[3]: the application form cannot be verified: the photo must show no headwear',
    ]);
  });

  it('verifying the form needs the photo and ink checks', () => {
    expect(materialUpdateProblems([{ item: 'APPLICATION_FORM', state: 'VERIFIED' }])[0]).toMatch(
      /confirm applicationForm/,
    );
    expect(
      materialUpdateProblems([
        { item: 'APPLICATION_FORM', state: 'PRESENT', applicationForm: { ...allChecks, whiteBackground: false } },
      ]),
    ).toEqual([]);
  });

  it('an empty list is a problem', () => {
    expect(materialUpdateProblems([])).toEqual(['items must list at least one material']);
  });
});

describe('summarizeChecklist', () => {
  it('is complete only when every item is verified; present is not enough', () => {
    expect(summarizeChecklist([])).toEqual({ complete: false, missing: Object.values(MATERIAL_LABELS) });
    const partial = summarizeChecklist([
      { item: 'PASSPORT', state: 'VERIFIED' },
      { item: 'APPLICATION_FORM', state: 'PRESENT' },
    ]);
    expect(partial.complete).toBe(false);
    expect(partial.missing).toEqual([
      MATERIAL_LABELS.APPLICATION_FORM,
      MATERIAL_LABELS.ACCOMMODATION_REGISTRATION,
      MATERIAL_LABELS.EMPLOYER_OPINION_LETTER,
    ]);
    expect(
      summarizeChecklist([
        { item: 'PASSPORT', state: 'VERIFIED' },
        { item: 'APPLICATION_FORM', state: 'VERIFIED' },
        { item: 'ACCOMMODATION_REGISTRATION', state: 'VERIFIED' },
        { item: 'EMPLOYER_OPINION_LETTER', state: 'VERIFIED' },
      ]),
    ).toEqual({ complete: true, missing: [] });
  });
});
