import { describe, expect, it, vi } from 'vitest';
import type { EntityManager } from 'typeorm';
import type { Actor, SubgraphRuntime } from '@onestop/common';
import { PermitCommands, type ChangeResult, type CommandSpec } from './permit-command.js';
import type { ResidencePermitEntity, ResidencePermitStatus } from './residence-permit.entity.js';

const CASE_ID = '6f1c2a3b-0000-4000-8000-000000000001';
const EMPLOYER = 'e0000000-0000-4000-8000-000000000001';
const OTHER_EMPLOYER = 'e0000000-0000-4000-8000-000000000002';
const NOW = new Date('2026-12-01T02:00:00Z');

function actor(role: Actor['role'], employerIds: string[] = []): Actor {
  return {
    id: `${role.toLowerCase()}-1`,
    role,
    name: role,
    agencyId: role === 'AGENCY' ? 'agency-1' : null,
    employerIds: role === 'AGENCY' ? employerIds : [],
    counterId: role === 'CLERK' ? 'chaoyang-cbd' : null,
  };
}

/** A runner over one permit row, with a transaction that hands that row out and records what is appended. */
function setup(status: ResidencePermitStatus) {
  const permit = {
    id: 'p-1',
    caseId: CASE_ID,
    caseReference: 'OS-2026-000001',
    employerId: EMPLOYER,
    status,
    permitNumber: null,
    decidedAt: status === 'REFUSED' ? NOW : null,
  } as unknown as ResidencePermitEntity;
  const findOne = vi.fn(async () => permit);
  const tx = { getRepository: () => ({ findOne }) } as unknown as EntityManager;
  const append = vi.fn(async () => undefined);
  const runtime = {
    ds: { transaction: (fn: (m: EntityManager) => Promise<unknown>) => fn(tx) },
    events: { append },
    clock: { now: () => NOW },
  } as unknown as SubgraphRuntime;
  return { commands: new PermitCommands(runtime), permit, findOne, append };
}

function spec(replay: CommandSpec<string>['replay']): CommandSpec<string> {
  return { action: 'residencePermit.recordProxy', allowedIn: ['UNDER_REVIEW'], what: 'do it', replay };
}

const changed: ChangeResult<string> = {
  result: 'changed',
  events: [
    {
      type: 'residence-permit.interview-demanded',
      payload: { caseId: CASE_ID, reason: 'test', demandedAt: NOW.toISOString() },
    },
  ],
};

describe('PermitCommands.run', () => {
  it('locks the row, then scopes: an actor outside the employer gets NOT_FOUND and the replay never runs', async () => {
    const { commands, findOne, append } = setup('ISSUED');
    const replay = vi.fn(async () => 'replayed');
    const change = vi.fn(async () => changed);
    const run = commands.run(actor('AGENCY', [OTHER_EMPLOYER]), CASE_ID, spec(replay), change);
    await expect(run).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(findOne).toHaveBeenCalledWith({ where: { caseId: CASE_ID }, lock: { mode: 'pessimistic_write' } });
    expect(replay).not.toHaveBeenCalled();
    expect(change).not.toHaveBeenCalled();
    expect(append).not.toHaveBeenCalled();
  });

  it('a role without the action gets NOT_FOUND before the replay too', async () => {
    const { commands } = setup('ISSUED');
    const replay = vi.fn(async () => 'replayed');
    await expect(commands.run(actor('MANAGER'), CASE_ID, spec(replay), async () => changed)).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    expect(replay).not.toHaveBeenCalled();
  });

  it('answers a replay before the status check (a decided permit), without a change or an event', async () => {
    const { commands, permit, append } = setup('REFUSED');
    const replay = vi.fn(async (p: ResidencePermitEntity) => (p === permit ? 'replayed' : null));
    const change = vi.fn(async () => changed);
    expect(await commands.run(actor('AGENCY', [EMPLOYER]), CASE_ID, spec(replay), change)).toBe('replayed');
    expect(change).not.toHaveBeenCalled();
    expect(append).not.toHaveBeenCalled();
  });

  it('without a replay answer: a refusal is final, then the status decides, then the change and its events', async () => {
    const refused = setup('REFUSED');
    await expect(
      refused.commands.run(
        actor('AGENCY', [EMPLOYER]),
        CASE_ID,
        spec(async () => null),
        async () => changed,
      ),
    ).rejects.toMatchObject({ extensions: { code: 'FINAL_DECISION' } });
    expect(refused.append).not.toHaveBeenCalled();

    const issued = setup('ISSUED');
    await expect(
      issued.commands.run(
        actor('AGENCY', [EMPLOYER]),
        CASE_ID,
        spec(async () => null),
        async () => changed,
      ),
    ).rejects.toMatchObject({ extensions: { code: 'INVALID_TRANSITION' } });

    const open = setup('UNDER_REVIEW');
    expect(
      await open.commands.run(
        actor('AGENCY', [EMPLOYER]),
        CASE_ID,
        spec(async () => null),
        async () => changed,
      ),
    ).toBe('changed');
    expect(open.append).toHaveBeenCalledTimes(1);
  });
});
