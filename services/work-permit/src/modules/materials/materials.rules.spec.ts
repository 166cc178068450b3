import { describe, expect, it } from 'vitest';
import { checklistState, requiredItems } from './materials.rules.js';

describe('work-permit materials checklist', () => {
  it('original and copy of every attachment, the handler identity, the passport', () => {
    expect(requiredItems(['Degree', 'Contract'], 'REGISTERED_HANDLER').map((i) => i.item)).toEqual([
      'attachment-1-original',
      'attachment-1-copy',
      'attachment-2-original',
      'attachment-2-copy',
      'handler-identity-document',
      'applicant-passport',
    ]);
  });

  it('other staff bring a letter of introduction and their identity document with a copy', () => {
    const items = requiredItems(['Degree'], 'OTHER_STAFF').map((i) => i.item);
    expect(items).toContain('letter-of-introduction');
    expect(items).toContain('staff-identity-document');
    expect(items).toContain('staff-identity-copy');
    expect(items).not.toContain('handler-identity-document');
  });

  it('lists what is missing by label', () => {
    const required = requiredItems(['Degree'], 'REGISTERED_HANDLER');
    expect(
      checklistState(required, new Set(['attachment-1-original', 'handler-identity-document', 'applicant-passport'])),
    ).toEqual({
      complete: false,
      missing: ['Copy of attachment "Degree"'],
    });
    expect(checklistState(required, new Set(required.map((r) => r.item)))).toEqual({ complete: true, missing: [] });
  });
});
