import { In } from 'typeorm';
import { assertNoProblems, type Actor, type SubgraphRuntime } from '@onestop/common';
import { EVENT_TYPES, type MaterialsChangedPayload } from '@onestop/common/contract';
import type { PermitCommands } from '../residence-permit/permit-command.js';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { ResidenceMaterialInput } from './dto/materials.input.js';
import { MaterialItemEntity } from './material-item.entity.js';
import { materialUpdateProblems, summarizeChecklist, type ApplicationFormChecks } from './materials-checklist.js';

/** The residence-permit checklist: clerks record items; the summary travels as `residence-permit.materials-changed`. */
export class MaterialsService {
  constructor(
    private readonly runtime: SubgraphRuntime,
    private readonly commands: PermitCommands,
  ) {}

  /** Every recorded item of these permits, in one statement. */
  async findByPermitIds(permitIds: readonly string[]): Promise<Map<string, MaterialItemEntity[]>> {
    const out = new Map<string, MaterialItemEntity[]>(permitIds.map((id) => [id, []]));
    if (!permitIds.length) return out;
    const rows = await this.runtime.ds
      .getRepository(MaterialItemEntity)
      .find({ where: { permitId: In([...permitIds]) } });
    for (const r of rows) out.get(r.permitId)?.push(r);
    return out;
  }

  /**
   * A clerk records checklist items (before acceptance). Items identical to what is recorded
   * are left alone; if nothing differs, nothing is written and no event appended.
   */
  async record(actor: Actor, caseId: string, items: readonly ResidenceMaterialInput[]): Promise<ResidencePermitEntity> {
    assertNoProblems('The materials cannot be recorded', materialUpdateProblems(items));
    return this.commands.run(
      actor,
      caseId,
      { action: 'materials.verify', allowedIn: ['AWAITING_DOCUMENTS'], what: 'record residence-permit materials' },
      async (permit, tx, now) => {
        const repo = tx.getRepository(MaterialItemEntity);
        const byItem = new Map((await repo.find({ where: { permitId: permit.id } })).map((r) => [r.item, r]));
        const changed: MaterialItemEntity[] = [];
        for (const u of items) {
          const form = u.item === 'APPLICATION_FORM' && u.applicationForm ? checksOf(u.applicationForm) : null;
          const note = u.note?.trim() || null;
          const prev = byItem.get(u.item);
          if (prev && prev.state === u.state && sameChecks(prev.applicationForm, form) && prev.note === note) continue;
          const row = repo.create({
            permitId: permit.id,
            item: u.item,
            state: u.state,
            applicationForm: form,
            note,
            recordedBy: actor.id,
            recordedByName: actor.name,
            counterId: actor.counterId,
            recordedAt: now,
          });
          changed.push(row);
          byItem.set(u.item, row);
        }
        if (!changed.length) return { result: permit, events: [] };
        await repo.upsert(changed, ['permitId', 'item']);
        permit.updatedAt = now;
        await tx.save(permit);
        const payload: MaterialsChangedPayload = { caseId: permit.caseId, ...summarizeChecklist([...byItem.values()]) };
        return {
          result: permit,
          events: [{ type: EVENT_TYPES.residenceMaterialsChanged, payload, counterId: actor.counterId }],
        };
      },
    );
  }
}

function checksOf(c: ApplicationFormChecks): ApplicationFormChecks {
  return {
    blackInk: c.blackInk,
    colourPhoto2Inch: c.colourPhoto2Inch,
    whiteBackground: c.whiteBackground,
    noHeadwear: c.noHeadwear,
  };
}

function sameChecks(a: ApplicationFormChecks | null, b: ApplicationFormChecks | null): boolean {
  if (!a || !b) return a === b;
  return (
    a.blackInk === b.blackInk &&
    a.colourPhoto2Inch === b.colourPhoto2Inch &&
    a.whiteBackground === b.whiteBackground &&
    a.noHeadwear === b.noHeadwear
  );
}
