import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  assertCan,
  BadUserInputError,
  NotFoundError,
  type Actor,
  type Clock,
  type EventStore,
  isUuid,
} from '@onestop/common';
import { EVENT_TYPES, type MaterialsChangedPayload } from '@onestop/common/contract';
import { authorOf, CaseChanges, lockCase } from '../case/case-changes.js';
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
    private readonly clock: Clock,
    private readonly events: EventStore,
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
    return this.ds.transaction(async (tx) => {
      const c = await this.lockForCheck(tx, actor, caseId);
      const problems: string[] = [];
      let handlerId: string | null = null;
      let name: string | null = p.name?.trim() || null;
      if (p.kind === 'REGISTERED_HANDLER') {
        if (p.handlerId) {
          const h = isUuid(p.handlerId)
            ? await tx.getRepository(EmployerHandlerEntity).findOneBy({ id: p.handlerId, employerId: c.employerId })
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
      const changes = new CaseChanges(this.clock.now(), authorOf(actor));
      changes.set(c, { presenterKind: p.kind, presenterHandlerId: handlerId, presenterName: name });
      changes.note(c, 'MATERIALS_PRESENTER_SET', `${p.kind}${name ? `: ${name}` : ''}`);
      await this.announce(tx, c, changes, actor.counterId);
      await changes.commit(tx, this.events);
      return c;
    });
  }

  /** Records one item as present (verified) or not; appends the checklist's new state. */
  async record(actor: Actor | null, caseId: string, item: string, present: boolean): Promise<CaseEntity> {
    assertCan(actor, 'materials.verify');
    return this.ds.transaction(async (tx) => {
      const c = await this.lockForCheck(tx, actor, caseId);
      const required = requiredItems(c.attachments, c.presenterKind);
      if (!required.some((r) => r.item === item)) {
        throw new BadUserInputError('The material cannot be recorded', [
          `item "${item}" is not on this case's checklist; it has: ${required.map((r) => r.item).join(', ')}`,
        ]);
      }
      const now = this.clock.now();
      const repo = tx.getRepository(CaseMaterialEntity);
      const before = await repo.findOneBy({ caseId: c.id, item });
      if (before?.present === present) return c; // a repeated click changes nothing
      await repo.upsert(
        { caseId: c.id, item, present, verifiedBy: actor.id, verifiedByName: actor.name, verifiedAt: now },
        ['caseId', 'item'],
      );
      const changes = new CaseChanges(now, authorOf(actor));
      changes.note(
        c,
        'MATERIAL_RECORDED',
        `${required.find((r) => r.item === item)!.label}: ${present ? 'present' : 'not present'}`,
      );
      await this.announce(tx, c, changes, actor.counterId);
      await changes.commit(tx, this.events);
      return c;
    });
  }

  /** Materials are checked at the counter, after check-in and before acceptance. */
  private async lockForCheck(tx: EntityManager, actor: Actor, caseId: string): Promise<CaseEntity> {
    const c = await lockCase(tx, caseId, actor);
    if (!c) throw new NotFoundError('Case', caseId);
    assertMove(c.status, 'acceptDocuments', 'checking the paper materials', c.reference);
    return c;
  }

  private async announce(
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
}
