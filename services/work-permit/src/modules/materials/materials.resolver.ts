import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CaseEntity } from '../case/case.entity.js';
import { Case } from '../case/case.type.js';
import type DataLoader from 'dataloader';
import type { AreaContext } from '../../shared/request-context.js';
import type { CaseMaterialEntity } from './case-material.entity.js';
import type { MaterialsService } from './materials.service.js';
import { RecordWorkPermitMaterialInput, SetWorkPermitPresenterInput } from './dto/materials.input.js';
import { checklistState, requiredItems } from './materials.rules.js';
import { WorkPermitMaterials } from './materials.type.js';

/** The loaders of the materials area (built per request in context.ts). */
export interface MaterialsLoaders {
  materialsByCaseId: DataLoader<string, CaseMaterialEntity[]>;
}
type MaterialsContext = AreaContext<{ materials: MaterialsService }, MaterialsLoaders>;

@Resolver(() => Case)
export class MaterialsResolver {
  @Mutation(() => Case, {
    description: 'CLERK: records one item of the work-permit materials as present or not (case CHECKED_IN).',
  })
  async recordWorkPermitMaterial(
    @Arg('input', () => RecordWorkPermitMaterialInput) input: RecordWorkPermitMaterialInput,
    @Ctx() ctx: MaterialsContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'materials.verify');
    return ctx.services.materials.record(ctx.actor, input.caseId, input.item, input.present);
  }

  @Mutation(() => Case, {
    description:
      'CLERK: records who hands in the materials: a registered handler, or other staff with a letter of introduction.',
  })
  async setWorkPermitPresenter(
    @Arg('input', () => SetWorkPermitPresenterInput) input: SetWorkPermitPresenterInput,
    @Ctx() ctx: MaterialsContext,
  ): Promise<CaseEntity> {
    assertCan(ctx.actor, 'materials.verify');
    return ctx.services.materials.setPresenter(ctx.actor, input.caseId, {
      kind: input.presenter,
      handlerId: input.handlerId,
      name: input.name,
    });
  }

  @FieldResolver(() => WorkPermitMaterials, { description: 'The work-permit materials checklist.' })
  async workPermitMaterials(@Root() c: CaseEntity, @Ctx() ctx: MaterialsContext): Promise<WorkPermitMaterials> {
    const recorded = new Map((await ctx.loaders.materialsByCaseId.load(c.id)).map((m) => [m.item, m]));
    const required = requiredItems(c.attachments, c.presenterKind);
    const present = new Set([...recorded.values()].filter((m) => m.present).map((m) => m.item));
    return {
      presenter: c.presenterKind,
      presenterName: c.presenterName,
      items: required.map((r) => {
        const m = recorded.get(r.item);
        const attachmentIndex = /^attachment-(\d+)-/.exec(r.item)?.[1];
        return {
          ...r,
          // Hidden from the schema: what MaterialItemAttachmentResolver needs to show the filed attachment.
          caseEntity: c,
          attachmentName: attachmentIndex ? (c.attachments[Number(attachmentIndex) - 1] ?? null) : null,
          present: m?.present ?? false,
          verifiedBy: m?.verifiedBy ?? null,
          verifiedByName: m?.verifiedByName ?? null,
          verifiedAt: m?.verifiedAt ?? null,
        };
      }),
      ...checklistState(required, present),
    };
  }
}
