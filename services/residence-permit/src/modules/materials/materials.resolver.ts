import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type DataLoader from 'dataloader';
import { assertCan, type RequestContext } from '@onestop/common';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import { ResidencePermit } from '../residence-permit/residence-permit.type.js';
import { ResidenceMaterialInput } from './dto/materials.input.js';
import { MATERIAL_LABELS, RESIDENCE_MATERIALS, summarizeChecklist } from './materials-checklist.js';
import type { MaterialItemEntity } from './material-item.entity.js';
import type { MaterialsService } from './materials.service.js';
import { ResidenceMaterials } from './materials.type.js';

/** What the materials resolvers need of the request context (context.ts provides it). */
export interface MaterialsContext extends RequestContext {
  services: { materials: MaterialsService };
  loaders: { materialsByPermitId: DataLoader<string, MaterialItemEntity[]> };
}

@Resolver(() => ResidencePermit)
export class MaterialsResolver {
  @Mutation(() => ResidencePermit, {
    description:
      'CLERK: record residence-permit checklist items (present / verified) before acceptance. Appends residence-permit.materials-changed {complete, missing}.',
  })
  async recordResidenceMaterials(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('items', () => [ResidenceMaterialInput]) items: ResidenceMaterialInput[],
    @Ctx() ctx: MaterialsContext,
  ): Promise<ResidencePermitEntity> {
    assertCan(ctx.actor, 'materials.verify');
    return ctx.services.materials.record(ctx.actor, caseId, items);
  }

  @FieldResolver(() => ResidenceMaterials)
  async materials(@Root() permit: ResidencePermitEntity, @Ctx() ctx: MaterialsContext): Promise<ResidenceMaterials> {
    const recorded = await ctx.loaders.materialsByPermitId.load(permit.id);
    const byItem = new Map(recorded.map((r) => [r.item, r]));
    return {
      ...summarizeChecklist(recorded),
      items: RESIDENCE_MATERIALS.map((item) => {
        const r = byItem.get(item);
        return {
          item,
          label: MATERIAL_LABELS[item],
          state: r?.state ?? 'MISSING',
          applicationForm: r?.applicationForm ?? null,
          note: r?.note ?? null,
          recordedBy: r?.recordedBy ?? null,
          recordedByName: r?.recordedByName ?? null,
          counterId: r?.counterId ?? null,
          recordedAt: r?.recordedAt ?? null,
        };
      }),
    };
  }
}
