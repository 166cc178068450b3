import { In, type DataSource, type EntityManager } from 'typeorm';
import { MaterialItemEntity } from './material-item.entity.js';

/** The SQL of `rp.material_item`. */
export class MaterialsStore {
  constructor(private readonly ds: DataSource) {}

  /** Every recorded item of these permits, in one statement. */
  async byPermitIds(permitIds: readonly string[]): Promise<Map<string, MaterialItemEntity[]>> {
    const out = new Map<string, MaterialItemEntity[]>(permitIds.map((id) => [id, []]));
    if (!permitIds.length) return out;
    const rows = await this.ds.getRepository(MaterialItemEntity).find({ where: { permitId: In([...permitIds]) } });
    for (const r of rows) out.get(r.permitId)?.push(r);
    return out;
  }

  /** The items recorded for one permit (read under the permit's lock). */
  async ofPermit(tx: EntityManager, permitId: string): Promise<MaterialItemEntity[]> {
    return tx.getRepository(MaterialItemEntity).find({ where: { permitId } });
  }

  /** Writes these items, replacing what was recorded for each. */
  async upsert(tx: EntityManager, items: MaterialItemEntity[]): Promise<void> {
    await tx.getRepository(MaterialItemEntity).upsert(items, ['permitId', 'item']);
  }
}
