import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  assertCan,
  BadUserInputError,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
  isUuid,
} from '@onestop/common';
import { EVENT_TYPES, type MaterialsChangedPayload } from '@onestop/common/contract';
import { changeCase, ON_CASE, type CaseChanges } from '../case/case-changes.js';
import { assertMove } from '../case/case-status.rules.js';
import type { CaseEntity } from '../case/case.entity.js';
import { EmployerHandlerEntity } from '../employer/employer-handler.entity.js';
import { CaseMaterialEntity } from './case-material.entity.js';
import type { PresenterKind } from '../../shared/vocabulary.js';
import { checklistState, requiredItems } from './materials.rules.js';

/** Who hands in the materials. */
export interface PresenterData {
  kind: PresenterKind;
  /** REGISTERED_HANDLER: which of the employer's registered handlers (optional). */
  handlerId?: string | null;
  /** OTHER_STAFF: the staff member's name (required). */
  name?: string | null;
}

/** The counter clerk's check of the work-permit materials (CLERK). */
export class MaterialsService {
  constructor(
    private readonly ds: DataSource,
    private readonly commands: CommandPipeline,
  ) {}

  /** Recorded work-permit materials of several cases in one statement. */
  async byCaseIds(caseIds: readonly string[]): Promise<Map<string, CaseMaterialEntity[]>> {
    const ids = [...new Set(caseIds)];
    const out = new Map<string, CaseMaterialEntity[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = await this.ds.getRepository(CaseMaterialEntity).find({ where: { caseId: In(ids) } });
    for (const r of rows) out.get(r.caseId)!.push(r);
    return out;
  }

  /** Records who hands in the materials; it decides which identity items the checklist needs. */
  async setPresenter(actor: Actor | null, caseId: string, p: PresenterData): Promise<CaseEntity> {
    assertCan(actor, 'materials.verify');
    return this.commands.run(actor, this.setPresenterSpec, { caseId, presenter: p });
  }

  private readonly setPresenterSpec: CommandSpec<{ caseId: string; presenter: PresenterData }, CaseEntity, CaseEntity> =
    {
      name: 'setMaterialsPresenter',
      action: 'materials.verify',
      ...ON_CASE,
      rules: checkedAtTheCounter,
      execute: (cx, c, { presenter: p }) =>
        changeCase(cx, async (changes) => {
          const problems: string[] = [];
          let handlerId: string | null = null;
          let name: string | null = p.name?.trim() || null;
          if (p.kind === 'REGISTERED_HANDLER') {
            if (p.handlerId) {
              const h = isUuid(p.handlerId)
                ? await cx.tx
                    .getRepository(EmployerHandlerEntity)
                    .findOneBy({ id: p.handlerId, employerId: c.employerId })
                : null;
              if (!h) problems.push(`handlerId ${p.handlerId} is not a registered handler of this case's employer`);
              else {
                handlerId = h.id;
                name = h.fullName;
              }
            }
          } else if (!name || name.length > 200) {
            problems.push('name of the staff member (1 to 200 characters) is required for OTHER_STAFF');
          }
          if (problems.length) throw new BadUserInputError('The presenter cannot be recorded', problems);
          changes.set(c, { presenterKind: p.kind, presenterHandlerId: handlerId, presenterName: name });
          changes.note(c, 'MATERIALS_PRESENTER_SET', `${p.kind}${name ? `: ${name}` : ''}`);
          await announce(cx.tx, c, changes, cx.actor!.counterId);
          return c;
        }),
    };

  /** Records one item as present (verified) or not; appends the checklist's new state. */
  async record(actor: Actor | null, caseId: string, item: string, present: boolean): Promise<CaseEntity> {
    assertCan(actor, 'materials.verify');
    return this.commands.run(actor, this.recordMaterial, { caseId, item, present });
  }

  private readonly recordMaterial: CommandSpec<
    { caseId: string; item: string; present: boolean },
    CaseEntity,
    CaseEntity
  > = {
    name: 'recordMaterial',
    action: 'materials.verify',
    ...ON_CASE,
    rules: checkedAtTheCounter,
    execute: (cx, c, { item, present }) =>
      changeCase(cx, async (changes) => {
        const actor = cx.actor!;
        const required = requiredItems(c.attachments, c.presenterKind);
        if (!required.some((r) => r.item === item)) {
          throw new BadUserInputError('The material cannot be recorded', [
            `item "${item}" is not on this case's checklist; it has: ${required.map((r) => r.item).join(', ')}`,
          ]);
        }
        const repo = cx.tx.getRepository(CaseMaterialEntity);
        const before = await repo.findOneBy({ caseId: c.id, item });
        if (before?.present === present) return c; // a repeated click changes nothing
        await repo.upsert(
          { caseId: c.id, item, present, verifiedBy: actor.id, verifiedByName: actor.name, verifiedAt: cx.now },
          ['caseId', 'item'],
        );
        changes.note(
          c,
          'MATERIAL_RECORDED',
          `${required.find((r) => r.item === item)!.label}: ${present ? 'present' : 'not present'}`,
        );
        await announce(cx.tx, c, changes, actor.counterId);
        return c;
      }),
  };
}

/** Materials are checked at the counter, after check-in and before acceptance. */
function checkedAtTheCounter(c: CaseEntity): void {
  assertMove(c.status, 'acceptDocuments', 'checking the paper materials', c.reference);
}

/** Appends the checklist's new state (at the clerk's counter). */
async function announce(
  tx: EntityManager,
  c: CaseEntity,
  changes: CaseChanges,
  counterId: string | null,
): Promise<void> {
  const rows = await tx.getRepository(CaseMaterialEntity).findBy({ caseId: c.id });
  const present = new Set(rows.filter((r) => r.present).map((r) => r.item));
  const state = checklistState(requiredItems(c.attachments, c.presenterKind), present);
  const payload: MaterialsChangedPayload = { caseId: c.id, ...state };
  changes.event(c, EVENT_TYPES.workPermitMaterialsChanged, payload, counterId);
}
