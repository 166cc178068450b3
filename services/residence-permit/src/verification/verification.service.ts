import { randomUUID } from 'node:crypto';
import { In, IsNull, type EntityManager } from 'typeorm';
import {
  assertNoProblems,
  ConflictError,
  EVENT_TYPES,
  InvalidTransitionError,
  NotFoundError,
  type Actor,
  type SubgraphRuntime,
  type VerificationPayload,
} from '@onestop/common';
import { interviewOutcomeOf, refreshInterview } from '../interview/interview-outcome.js';
import { isUuid, OPEN_STATUSES, type EventDraft, type PermitCommands } from '../residence-permit/permit-command.js';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { ScheduleVerificationInput, VerificationOutcomeInput } from './dto/verification.input.js';
import { VERIFICATION_KINDS, VERIFICATION_OUTCOMES, VerificationEntity } from './verification.entity.js';

const MAX_AHEAD_MS = 180 * 86_400_000;
const MAX_LOCATION = 300;
const MAX_NOTES = 2000;

/** Exit-Entry's verifications: scheduled with a time, then recorded with an outcome. */
export class VerificationService {
  constructor(
    private readonly runtime: SubgraphRuntime,
    private readonly commands: PermitCommands,
  ) {}

  /** Every verification of these permits, in one statement, oldest first. */
  async findByPermitIds(permitIds: readonly string[]): Promise<Map<string, VerificationEntity[]>> {
    const out = new Map<string, VerificationEntity[]>(permitIds.map((id) => [id, []]));
    if (!permitIds.length) return out;
    const rows = await this.runtime.ds.getRepository(VerificationEntity).find({
      where: { permitId: In([...permitIds]) },
      order: { scheduledAt: 'ASC', id: 'ASC' },
    });
    for (const r of rows) out.get(r.permitId)?.push(r);
    return out;
  }

  /** An EE_OFFICER schedules a verification. Scheduling a face-to-face interview makes the interview "scheduled". */
  async schedule(actor: Actor, caseId: string, input: ScheduleVerificationInput): Promise<ResidencePermitEntity> {
    const now = this.runtime.clock.now();
    const problems: string[] = [];
    if (!(VERIFICATION_KINDS as readonly string[]).includes(input.kind))
      problems.push(`kind must be one of ${VERIFICATION_KINDS.join(', ')}`);
    const at = input.scheduledAt instanceof Date ? input.scheduledAt : new Date(Number.NaN);
    if (Number.isNaN(at.getTime())) problems.push('scheduledAt must be a date-time');
    else if (at <= now) problems.push(`scheduledAt must be in the future (now is ${now.toISOString()})`);
    else if (at.getTime() - now.getTime() > MAX_AHEAD_MS) problems.push('scheduledAt must be at most 180 days ahead');
    const location = input.location?.trim() || null;
    if (location && location.length > MAX_LOCATION)
      problems.push(`location must be at most ${MAX_LOCATION} characters`);
    assertNoProblems('The verification cannot be scheduled', problems);

    return this.commands.run(
      actor,
      caseId,
      { action: 'residencePermit.verify', allowedIn: OPEN_STATUSES, what: 'schedule a verification' },
      async (permit, tx, when) => {
        const repo = tx.getRepository(VerificationEntity);
        if (input.kind === 'FACE_TO_FACE_INTERVIEW') {
          const open = await repo.findOne({
            where: { permitId: permit.id, kind: 'FACE_TO_FACE_INTERVIEW', outcome: IsNull() },
          });
          if (open) {
            throw new ConflictError(
              `A face-to-face interview is already scheduled for ${open.scheduledAt.toISOString()} (verification ${open.id}); record its outcome first.`,
              {
                verificationId: open.id,
              },
            );
          }
        }
        const v = repo.create({
          id: randomUUID(),
          permitId: permit.id,
          caseId: permit.caseId,
          kind: input.kind,
          scheduledAt: at,
          location,
          scheduledBy: actor.id,
          scheduledByName: actor.name,
          createdAt: when,
          outcome: null,
          notes: null,
          recordedBy: null,
          recordedByName: null,
          recordedAt: null,
        });
        await repo.insert(v);
        const payload: VerificationPayload = {
          caseId: permit.caseId,
          verificationId: v.id,
          kind: v.kind,
          scheduledAt: at.toISOString(),
        };
        const events: EventDraft[] = [{ type: EVENT_TYPES.verificationScheduled, payload }];
        const requirement = await this.refreshFaceToFace(permit, tx, when);
        if (requirement) events.push(requirement);
        return { result: permit, events };
      },
    );
  }

  /** An EE_OFFICER records what a verification found, once it has taken place. */
  async record(actor: Actor, verificationId: string, input: VerificationOutcomeInput): Promise<ResidencePermitEntity> {
    const problems: string[] = [];
    if (!(VERIFICATION_OUTCOMES as readonly string[]).includes(input.outcome))
      problems.push(`outcome must be one of ${VERIFICATION_OUTCOMES.join(', ')}`);
    const notes = input.notes?.trim() || null;
    if (notes && notes.length > MAX_NOTES) problems.push(`notes must be at most ${MAX_NOTES} characters`);
    if (input.outcome === 'DISCREPANCY' && !notes)
      problems.push('notes must say what did not match when the outcome is DISCREPANCY');
    assertNoProblems('The verification outcome cannot be recorded', problems);
    const found = isUuid(verificationId)
      ? await this.runtime.ds.getRepository(VerificationEntity).findOne({ where: { id: verificationId } })
      : null;
    if (!found) throw new NotFoundError('Verification', verificationId);

    return this.commands.run(
      actor,
      found.caseId,
      { action: 'residencePermit.verify', allowedIn: OPEN_STATUSES, what: 'record a verification' },
      async (permit, tx, now) => {
        const repo = tx.getRepository(VerificationEntity);
        const v = await repo.findOne({ where: { id: verificationId }, lock: { mode: 'pessimistic_write' } });
        if (!v || v.permitId !== permit.id) throw new NotFoundError('Verification', verificationId);
        if (v.outcome) {
          throw new InvalidTransitionError(
            `Verification ${v.id} was already recorded as ${v.outcome} on ${v.recordedAt?.toISOString()}.`,
            { outcome: v.outcome },
          );
        }
        if (now < v.scheduledAt) {
          throw new InvalidTransitionError(
            `Verification ${v.id} is scheduled for ${v.scheduledAt.toISOString()}; record its outcome once it has taken place.`,
          );
        }
        v.outcome = input.outcome;
        v.notes = notes;
        v.recordedBy = actor.id;
        v.recordedByName = actor.name;
        v.recordedAt = now;
        await repo.save(v);
        const payload: VerificationPayload = {
          caseId: permit.caseId,
          verificationId: v.id,
          kind: v.kind,
          scheduledAt: v.scheduledAt.toISOString(),
          outcome: v.outcome,
          recordedAt: now.toISOString(),
        };
        const events: EventDraft[] = [{ type: EVENT_TYPES.verificationRecorded, payload }];
        const requirement = await this.refreshFaceToFace(permit, tx, now);
        if (requirement) events.push(requirement);
        return { result: permit, events };
      },
    );
  }

  /**
   * Re-reads the permit's face-to-face interviews (inside the command's transaction, after its
   * write) and re-applies the interview rule; returns the requirement event if the outcome moved.
   */
  private async refreshFaceToFace(
    permit: ResidencePermitEntity,
    tx: EntityManager,
    now: Date,
  ): Promise<EventDraft | null> {
    const rows: { scheduled: boolean | null; completed: boolean | null }[] = await tx.query(
      `SELECT bool_or(outcome IS NULL) AS scheduled, bool_or(outcome IN ('CONFIRMED', 'DISCREPANCY')) AS completed
         FROM rp.verification WHERE permit_id = $1 AND kind = 'FACE_TO_FACE_INTERVIEW'`,
      [permit.id],
    );
    const before = interviewOutcomeOf(permit);
    permit.interviewScheduled = rows[0]?.scheduled === true;
    permit.interviewCompleted = rows[0]?.completed === true;
    permit.updatedAt = now;
    const event = refreshInterview(permit, before);
    await tx.save(permit);
    return event;
  }
}
