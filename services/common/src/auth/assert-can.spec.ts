import { describe, expect, it } from 'vitest';
import type { Actor } from './actor.js';
import { assertCan, can, employerScope } from './assert-can.js';

const agency: Actor = {
  id: 'a1',
  role: 'AGENCY',
  name: 'A',
  agencyId: 'ag1',
  employerIds: ['e1', 'e2'],
  counterId: null,
};
const clerk: Actor = { id: 'c1', role: 'CLERK', name: 'C', agencyId: null, employerIds: [], counterId: 'chaoyang-cbd' };
const manager: Actor = { id: 'm1', role: 'MANAGER', name: 'M', agencyId: null, employerIds: [], counterId: null };
const wp: Actor = { id: 'w1', role: 'WP_OFFICER', name: 'W', agencyId: null, employerIds: [], counterId: null };

describe('assertCan', () => {
  it('rejects a missing actor as UNAUTHENTICATED', () => {
    expect(() => assertCan(null, 'case.read')).toThrowError(
      expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }),
    );
  });

  it('rejects a role the action does not allow as FORBIDDEN', () => {
    expect(() => assertCan(manager, 'case.file')).toThrowError(
      expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }),
    );
    expect(() => assertCan(agency, 'case.preExamine')).toThrowError(/may not/);
  });

  it('lets an agency act only for its own employers', () => {
    expect(can(agency, 'case.file', { employerId: 'e1' })).toBe(true);
    expect(can(agency, 'case.file', { employerId: 'e3' })).toBe(false);
    expect(can(agency, 'case.read', { employerId: null })).toBe(false);
    expect(() => assertCan(agency, 'case.read', { employerId: 'e3' })).toThrowError(/does not act for employer e3/);
  });

  it('keeps a clerk to the counter they staff', () => {
    expect(can(clerk, 'queue.operate', { counterId: 'chaoyang-cbd' })).toBe(true);
    expect(can(clerk, 'queue.operate', { counterId: 'haidian-zgc' })).toBe(false);
    expect(() => assertCan(clerk, 'documents.accept', { counterId: 'haidian-zgc' })).toThrowError(
      /You staff counter chaoyang-cbd/,
    );
  });

  it('shows personal data only to the roles whose work needs it', () => {
    expect(can(wp, 'case.readPersonal')).toBe(true);
    expect(can(manager, 'case.readPersonal')).toBe(false);
    expect(can(agency, 'case.readPersonal', { employerId: 'e1' })).toBe(true);
    expect(can(agency, 'case.readPersonal', { employerId: 'e9' })).toBe(false);
  });

  it('scopes lists: agencies to their employers, others to everything', () => {
    expect(employerScope(agency)).toEqual(['e1', 'e2']);
    expect(employerScope(manager)).toBeNull();
  });
});
