import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import { VerificationEntity } from './verification.entity.js';

/** The SQL of `rp.verification`. */
export class VerificationStore {
  constructor(private readonly ds: DataSource) {}

  /** Every verification of these permits, in one statement, oldest first. */
  async byPermitIds(permitIds: readonly string[]): Promise<Map<string, VerificationEntity[]>> {
    const out = new Map<string, VerificationEntity[]>(permitIds.map((id) => [id, []]));
    if (!permitIds.length) return out;
    const rows = await this.ds.getRepository(VerificationEntity).find({
      where: { permitId: In([...permitIds]) },
      order: { scheduledAt: 'ASC', id: 'ASC' },
    });
    for (const r of rows) out.get(r.permitId)?.push(r);
    return out;
  }

  /** One verification, outside a command (to find the case it belongs to). */
  find(id: string): Promise<VerificationEntity | null> {
    return this.byId(this.ds.manager, id);
  }

  /** One verification, read in a command's transaction. */
  async byId(tx: EntityManager, id: string): Promise<VerificationEntity | null> {
    return tx.getRepository(VerificationEntity).findOne({ where: { id } });
  }

  /** One verification, locked for a change. */
  async lock(tx: EntityManager, id: string): Promise<VerificationEntity | null> {
    return tx.getRepository(VerificationEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The permit's verifications without an outcome, oldest first. */
  async outstanding(tx: EntityManager, permitId: string): Promise<VerificationEntity[]> {
    return tx
      .getRepository(VerificationEntity)
      .find({ where: { permitId, outcome: IsNull() }, order: { scheduledAt: 'ASC' } });
  }

  /** The permit's face-to-face interview still without an outcome, if any. */
  async openFaceToFace(tx: EntityManager, permitId: string): Promise<VerificationEntity | null> {
    return tx
      .getRepository(VerificationEntity)
      .findOne({ where: { permitId, kind: 'FACE_TO_FACE_INTERVIEW', outcome: IsNull() } });
  }

  /** Whether the permit has a face-to-face interview scheduled (no outcome) and one that took place. */
  async faceToFaceState(tx: EntityManager, permitId: string): Promise<{ scheduled: boolean; completed: boolean }> {
    const rows: { scheduled: boolean | null; completed: boolean | null }[] = await tx.query(
      `SELECT bool_or(outcome IS NULL) AS scheduled, bool_or(outcome IN ('CONFIRMED', 'DISCREPANCY')) AS completed
         FROM rp.verification WHERE permit_id = $1 AND kind = 'FACE_TO_FACE_INTERVIEW'`,
      [permitId],
    );
    return { scheduled: rows[0]?.scheduled === true, completed: rows[0]?.completed === true };
  }

  async insert(tx: EntityManager, v: VerificationEntity): Promise<void> {
    await tx.getRepository(VerificationEntity).insert(v);
  }

  async save(tx: EntityManager, v: VerificationEntity): Promise<void> {
    await tx.getRepository(VerificationEntity).save(v);
  }
}
