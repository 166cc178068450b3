import { randomUUID } from 'node:crypto';
import { In, IsNull, type EntityManager } from 'typeorm';
import {
  assertNoProblems,
  ConflictError,
  InvalidTransitionError,
  isUniqueViolation,
  NotFoundError,
  type Actor,
  type SubgraphRuntime,
  isUuid,
  idempotencyKeyProblems,
} from '@onestop/common';
import { EVENT_TYPES, type VerificationPayload } from '@onestop/common/contract';
import { interviewOutcomeOf, refreshInterview } from '../interview/interview-outcome.js';
import { OPEN_STATUSES, type EventDraft, type PermitCommands } from '../residence-permit/permit-command.js';
import { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { ScheduleVerificationInput, VerificationOutcomeInput } from './dto/verification.input.js';
import { VERIFICATION_KINDS, VERIFICATION_OUTCOMES, VerificationEntity } from './verification.entity.js';
import {
  assertSameRequest,
  outcomeDifferences,
  timingProblems,
  type OutcomeRequest,
  type VerificationRequest,
} from './verification-request.js';

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

  /**
   * An EE_OFFICER schedules a verification. Scheduling a face-to-face interview makes the
   * interview "scheduled". Idempotent per officer and key: the same request with the same key
   * (a client retrying after a timeout, or several retries racing) schedules once and every
   * attempt answers with that verification's permit; the same key with a different request is
   * a CONFLICT naming what differs, and writes nothing.
   */
  async schedule(actor: Actor, caseId: string, input: ScheduleVerificationInput): Promise<ResidencePermitEntity> {
    const now = this.runtime.clock.now();
    const problems: string[] = [];
    if (!(VERIFICATION_KINDS as readonly string[]).includes(input.kind))
      problems.push(`kind must be one of ${VERIFICATION_KINDS.join(', ')}`);
    const at = input.scheduledAt instanceof Date ? input.scheduledAt : new Date(Number.NaN);
    if (Number.isNaN(at.getTime())) problems.push('scheduledAt must be a date-time');
    const location = input.location?.trim() || null;
    if (location && location.length > MAX_LOCATION)
      problems.push(`location must be at most ${MAX_LOCATION} characters`);
    const key = typeof input.idempotencyKey === 'string' ? input.idempotencyKey : '';
    problems.push(...idempotencyKeyProblems(key));
    // "In the future" is checked again after the replay: a retry of a request that was valid
    // when first sent still gets its original answer once the scheduled time has passed.
    const timing = timingProblems(at, now);
    assertNoProblems('The verification cannot be scheduled', problems.length ? [...problems, ...timing] : []);
    const request = { kind: input.kind, scheduledAt: at, location };

    try {
      return await this.commands.run(
        actor,
        caseId,
        {
          action: 'residencePermit.verify',
          allowedIn: OPEN_STATUSES,
          what: 'schedule a verification',
          replay: async (permit, tx) => {
            const earlier = await this.byKey(tx, actor.id, key);
            if (!earlier) return null;
            assertSameRequest(earlier, { ...request, caseId: permit.caseId } satisfies VerificationRequest, key);
            return permit;
          },
        },
        async (permit, tx, when) => {
          assertNoProblems('The verification cannot be scheduled', timing);
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
            idempotencyKey: key,
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
    } catch (err) {
      // Attempts on one case take turns on the permit's lock, so the replay above sees the
      // first one. Only a key sent for two different cases at once gets here: the unique index
      // let one of them in; the other is compared with it, after its own transaction rolled back.
      if (!isUniqueViolation(err, 'UQ_verification_idempotency')) throw err;
      const earlier = await this.byKey(this.runtime.ds.manager, actor.id, key);
      if (!earlier) throw err;
      assertSameRequest(earlier, { ...request, caseId: caseId.toLowerCase() }, key);
      const permit = await this.runtime.ds
        .getRepository(ResidencePermitEntity)
        .findOne({ where: { id: earlier.permitId } });
      if (!permit) throw new NotFoundError('Residence permit of case', caseId);
      return permit;
    }
  }

  private async byKey(m: EntityManager, scheduledBy: string, key: string): Promise<VerificationEntity | null> {
    return m.getRepository(VerificationEntity).findOne({ where: { scheduledBy, idempotencyKey: key } });
  }

  /**
   * An EE_OFFICER records what a verification found, once it has taken place, once only. The same
   * outcome and notes again (a client retrying after a lost response, or copies racing) answer
   * with the permit and write nothing, also once the permit was decided; a different outcome or
   * notes is INVALID_TRANSITION naming what was recorded (FINAL_DECISION once refused).
   */
  async record(actor: Actor, verificationId: string, input: VerificationOutcomeInput): Promise<ResidencePermitEntity> {
    const problems: string[] = [];
    if (!(VERIFICATION_OUTCOMES as readonly string[]).includes(input.outcome))
      problems.push(`outcome must be one of ${VERIFICATION_OUTCOMES.join(', ')}`);
    const notes = input.notes?.trim() || null;
    if (notes && notes.length > MAX_NOTES) problems.push(`notes must be at most ${MAX_NOTES} characters`);
    if (input.outcome === 'DISCREPANCY' && !notes)
      problems.push('notes must say what did not match when the outcome is DISCREPANCY');
    assertNoProblems('The verification outcome cannot be recorded', problems);
    const request: OutcomeRequest = { outcome: input.outcome, notes };
    const found = isUuid(verificationId)
      ? await this.runtime.ds.getRepository(VerificationEntity).findOne({ where: { id: verificationId } })
      : null;
    if (!found) throw new NotFoundError('Verification', verificationId);

    return this.commands.run(
      actor,
      found.caseId,
      {
        action: 'residencePermit.verify',
        allowedIn: OPEN_STATUSES,
        what: 'record a verification',
        // Under the permit's lock, after the scope check. A different request on a refused
        // permit goes on to FINAL_DECISION, like every other change after a refusal.
        replay: async (permit, tx) => {
          const v = await lockVerification(tx, permit, verificationId);
          if (!v.outcome) return null;
          const differences = outcomeDifferences(v, request);
          if (!differences.length) return permit;
          if (permit.status === 'REFUSED') return null;
          throw alreadyRecorded(v, differences);
        },
      },
      async (permit, tx, now) => {
        const repo = tx.getRepository(VerificationEntity);
        const v = await lockVerification(tx, permit, verificationId);
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

/** The verification, locked for the recording; NOT_FOUND unless it belongs to the (locked, scoped) permit. */
async function lockVerification(
  tx: EntityManager,
  permit: ResidencePermitEntity,
  verificationId: string,
): Promise<VerificationEntity> {
  const v = await tx
    .getRepository(VerificationEntity)
    .findOne({ where: { id: verificationId }, lock: { mode: 'pessimistic_write' } });
  if (!v || v.permitId !== permit.id) throw new NotFoundError('Verification', verificationId);
  return v;
}

/** A verification is recorded once: a different outcome or notes is refused, naming what was recorded. */
function alreadyRecorded(v: VerificationEntity, differences: readonly string[]): InvalidTransitionError {
  return new InvalidTransitionError(
    `Verification ${v.id} was already recorded as ${v.outcome ?? ''} on ${v.recordedAt?.toISOString() ?? ''}, and this request differs (${differences.join('; ')}). A recorded outcome is not changed; schedule another verification if one is needed.`,
    { outcome: v.outcome, recordedAt: v.recordedAt?.toISOString() ?? null, differences },
  );
}
