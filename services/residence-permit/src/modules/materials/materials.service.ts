import { assertNoProblems, type Actor, type CommandPipeline, type CommandSpec } from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import { allowedIn, permitTarget, personOf } from '../residence-permit/permit-command.js';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { PermitStore } from '../residence-permit/residence-permit.store.js';
import type { ResidenceMaterialInput } from './dto/materials.input.js';
import { MaterialItemEntity } from './material-item.entity.js';
import { materialUpdateProblems, summarizeChecklist, type ApplicationFormChecks } from './materials-checklist.js';
import type { MaterialsStore } from './materials.store.js';

interface RecordMaterials {
  caseId: string;
  items: readonly ResidenceMaterialInput[];
}

/** The residence-permit checklist: clerks record items; the summary travels as `residence-permit.materials-changed`. */
export class MaterialsService {
  private readonly recording: CommandSpec<RecordMaterials, ResidencePermitEntity, ResidencePermitEntity>;

  constructor(
    private readonly materials: MaterialsStore,
    permits: PermitStore,
    private readonly commands: CommandPipeline,
  ) {
    this.recording = {
      ...permitTarget(permits),
      name: 'recordResidenceMaterials',
      action: 'materials.verify',
      rules: allowedIn(['AWAITING_DOCUMENTS'], 'record residence-permit materials'),
      // Items identical to what is recorded are left alone; if nothing differs, nothing is
      // written and no event appended.
      execute: async (cx, permit, { items }) => {
        const actor = personOf(cx);
        const byItem = new Map((await materials.ofPermit(cx.tx, permit.id)).map((r) => [r.item, r]));
        const changed: MaterialItemEntity[] = [];
        for (const u of items) {
          const form = u.item === 'APPLICATION_FORM' && u.applicationForm ? checksOf(u.applicationForm) : null;
          const note = u.note?.trim() || null;
          const prev = byItem.get(u.item);
          if (prev && prev.state === u.state && sameChecks(prev.applicationForm, form) && prev.note === note) continue;
          const row = Object.assign(new MaterialItemEntity(), {
            permitId: permit.id,
            item: u.item,
            state: u.state,
            applicationForm: form,
            note,
            recordedBy: actor.id,
            recordedByName: actor.name,
            counterId: actor.counterId,
            recordedAt: cx.now,
          } satisfies MaterialItemEntity);
          changed.push(row);
          byItem.set(u.item, row);
        }
        if (!changed.length) return permit;
        await materials.upsert(cx.tx, changed);
        permit.updatedAt = cx.now;
        await permits.save(cx.tx, permit);
        cx.emit(
          EVENT_TYPES.residenceMaterialsChanged,
          { caseId: permit.caseId, ...summarizeChecklist([...byItem.values()]) },
          { counterId: actor.counterId },
        );
        return permit;
      },
    };
  }

  /** Every recorded item of these permits, in one statement. */
  findByPermitIds(permitIds: readonly string[]): Promise<Map<string, MaterialItemEntity[]>> {
    return this.materials.byPermitIds(permitIds);
  }

  /** A clerk records checklist items (before acceptance). */
  async record(actor: Actor, caseId: string, items: readonly ResidenceMaterialInput[]): Promise<ResidencePermitEntity> {
    assertNoProblems('The materials cannot be recorded', materialUpdateProblems(items));
    return this.commands.run(actor, this.recording, { caseId, items });
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
