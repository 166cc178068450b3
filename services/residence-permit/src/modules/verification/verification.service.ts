import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  assertNoProblems,
  ConflictError,
  InvalidTransitionError,
  InvariantError,
  keyReusedError,
  NotFoundError,
  type Actor,
  type Clock,
  type CommandContext,
  type CommandPipeline,
  type CommandSpec,
  isUuid,
  idempotencyKeyProblems,
} from '@onestop/common';
import { EVENT_TYPES, type EventPayload } from '@onestop/common/contract';
import { interviewOutcomeOf, refreshInterview } from '../interview/interview-outcome.js';
import { allowedIn, OPEN_STATUSES, permitTarget, personOf } from '../residence-permit/permit-command.js';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { PermitStore } from '../residence-permit/residence-permit.store.js';
import type { ScheduleVerificationInput, VerificationOutcomeInput } from './dto/verification.input.js';
import { VERIFICATION_KINDS, VERIFICATION_OUTCOMES, VerificationEntity } from './verification.entity.js';
import {
  keyUsedForAnotherRequest,
  outcomeDifferences,
  scheduledRequest,
  timingProblems,
  type OutcomeRequest,
  type VerificationRequest,
} from './verification-request.js';
import type { VerificationStore } from './verification.store.js';

const MAX_LOCATION = 300;
const MAX_NOTES = 2000;

/** A scheduling, validated and normalised. */
interface Scheduling extends VerificationRequest {
  idempotencyKey: string;
}

/** What a scheduling answers: the permit, and the verification it scheduled (remembered for the key). */
interface Scheduled {
  permit: ResidencePermitEntity;
  verificationId: string;
}

/** A recording of an outcome, for the verification of `caseId`. */
interface Recording extends OutcomeRequest {
  caseId: string;
  verificationId: string;
}

/** Exit-Entry's verifications: scheduled with a time, then recorded with an outcome. */
export class VerificationService {
  private readonly scheduling: CommandSpec<Scheduling, ResidencePermitEntity, Scheduled>;
  private readonly recording: CommandSpec<Recording, ResidencePermitEntity, ResidencePermitEntity>;

  constructor(
    private readonly verifications: VerificationStore,
    private readonly permits: PermitStore,
    private readonly commands: CommandPipeline,
    private readonly clock: Clock,
  ) {
    this.scheduling = {
      ...permitTarget(permits),
      name: 'scheduleVerification',
      action: 'residencePermit.verify',
      // Per officer (the principal) and key, in the ledger: the same request again answers with
      // the verification it scheduled, whatever the permit's status now; the key with another
      // request is a CONFLICT naming every difference.
      idempotency: {
        key: (req) => req.idempotencyKey,
        required: true,
        request: scheduledRequest,
        resultId: (r) => r.verificationId,
        replay: async (tx, verificationId) => {
          const v = verificationId ? await verifications.byId(tx, verificationId) : null;
          const permit = v ? await permits.byId(tx, v.permitId) : null;
          if (!v || !permit)
            throw new InvariantError(`verification ${verificationId ?? 'null'} of an idempotency key is gone`);
          return { permit, verificationId: v.id };
        },
        reused: async (tx, prior, req) => {
          const earlier =
            prior.operation === 'scheduleVerification' && prior.resultId
              ? await verifications.byId(tx, prior.resultId)
              : null;
          return earlier
            ? keyUsedForAnotherRequest(earlier, req, req.idempotencyKey)
            : keyReusedError(req.idempotencyKey, prior);
        },
      },
      rules: allowedIn(OPEN_STATUSES, 'schedule a verification'),
      execute: async (cx, permit, req) => {
        // "In the future" is checked after the replay: a retry of a request that was valid
        // when first sent still gets its original answer once the scheduled time has passed.
        assertNoProblems('The verification cannot be scheduled', timingProblems(req.scheduledAt, cx.now));
        if (req.kind === 'FACE_TO_FACE_INTERVIEW') {
          const open = await verifications.openFaceToFace(cx.tx, permit.id);
          if (open) {
            throw new ConflictError(
              `A face-to-face interview is already scheduled for ${open.scheduledAt.toISOString()} (verification ${open.id}); record its outcome first.`,
              { verificationId: open.id },
            );
          }
        }
        const actor = personOf(cx);
        const v = Object.assign(new VerificationEntity(), {
          id: randomUUID(),
          permitId: permit.id,
          caseId: permit.caseId,
          kind: req.kind,
          scheduledAt: req.scheduledAt,
          location: req.location,
          scheduledBy: actor.id,
          scheduledByName: actor.name,
          createdAt: cx.now,
          idempotencyKey: req.idempotencyKey,
          outcome: null,
          notes: null,
          recordedBy: null,
          recordedByName: null,
          recordedAt: null,
        } satisfies VerificationEntity);
        await verifications.insert(cx.tx, v);
        cx.emit(EVENT_TYPES.verificationScheduled, scheduledFacts(v));
        await this.refreshFaceToFace(cx, permit);
        return { permit, verificationId: v.id };
      },
    };

    this.recording = {
      ...permitTarget(permits),
      name: 'recordVerificationOutcome',
      action: 'residencePermit.verify',
      // Under the permit's lock, after the scope check. A different request on a refused
      // permit goes on to FINAL_DECISION, like every other change after a refusal.
      replay: async (tx, permit, req) => {
        const v = await this.lockVerification(tx, permit, req.verificationId);
        if (!v.outcome) return null;
        const differences = outcomeDifferences(v, req);
        if (!differences.length) return permit;
        if (permit.status === 'REFUSED') return null;
        throw alreadyRecorded(v, differences);
      },
      rules: allowedIn(OPEN_STATUSES, 'record a verification'),
      execute: async (cx, permit, req) => {
        const v = await this.lockVerification(cx.tx, permit, req.verificationId);
        if (cx.now < v.scheduledAt) {
          throw new InvalidTransitionError(
            `Verification ${v.id} is scheduled for ${v.scheduledAt.toISOString()}; record its outcome once it has taken place.`,
          );
        }
        const actor = personOf(cx);
        v.outcome = req.outcome;
        v.notes = req.notes;
        v.recordedBy = actor.id;
        v.recordedByName = actor.name;
        v.recordedAt = cx.now;
        await verifications.save(cx.tx, v);
        cx.emit(EVENT_TYPES.verificationRecorded, {
          ...scheduledFacts(v),
          outcome: req.outcome,
          recordedAt: cx.now.toISOString(),
        });
        await this.refreshFaceToFace(cx, permit);
        return permit;
      },
    };
  }

  /** Every verification of these permits, in one statement, oldest first. */
  findByPermitIds(permitIds: readonly string[]): Promise<Map<string, VerificationEntity[]>> {
    return this.verifications.byPermitIds(permitIds);
  }

  /**
   * An EE_OFFICER schedules a verification. Scheduling a face-to-face interview makes the
   * interview "scheduled". Idempotent per officer and key: the same request with the same key
   * (a client retrying after a timeout, or several retries racing) schedules once and every
   * attempt answers with that verification's permit; the same key with a different request is
   * a CONFLICT naming what differs, and writes nothing.
   */
  async schedule(actor: Actor, caseId: string, input: ScheduleVerificationInput): Promise<ResidencePermitEntity> {
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
    // With other problems, the timing is listed too; alone, it is checked after the replay.
    if (problems.length) problems.push(...timingProblems(at, this.clock.now()));
    assertNoProblems('The verification cannot be scheduled', problems);
    const scheduled = await this.commands.run(actor, this.scheduling, {
      caseId: caseId.toLowerCase(),
      kind: input.kind,
      scheduledAt: at,
      location,
      idempotencyKey: key,
    });
    return scheduled.permit;
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
    const found = isUuid(verificationId) ? await this.verifications.find(verificationId) : null;
    if (!found) throw new NotFoundError('Verification', verificationId);
    return this.commands.run(actor, this.recording, {
      caseId: found.caseId,
      verificationId,
      outcome: input.outcome,
      notes,
    });
  }

  /** The verification, locked for the recording; NOT_FOUND unless it belongs to the (locked, scoped) permit. */
  private async lockVerification(
    tx: EntityManager,
    permit: ResidencePermitEntity,
    verificationId: string,
  ): Promise<VerificationEntity> {
    const v = await this.verifications.lock(tx, verificationId);
    if (!v || v.permitId !== permit.id) throw new NotFoundError('Verification', verificationId);
    return v;
  }

  /**
   * Re-reads the permit's face-to-face interviews (inside the command's transaction, after its
   * write), re-applies the interview rule and appends the requirement event if the outcome moved.
   */
  private async refreshFaceToFace(cx: CommandContext, permit: ResidencePermitEntity): Promise<void> {
    const { scheduled, completed } = await this.verifications.faceToFaceState(cx.tx, permit.id);
    const before = interviewOutcomeOf(permit);
    permit.interviewScheduled = scheduled;
    permit.interviewCompleted = completed;
    permit.updatedAt = cx.now;
    const requirement = refreshInterview(permit, before);
    await this.permits.save(cx.tx, permit);
    if (requirement) cx.emit(EVENT_TYPES.interviewRequirementChanged, requirement);
  }
}

/** What the verification events say of the verification itself. */
function scheduledFacts(v: VerificationEntity): EventPayload<typeof EVENT_TYPES.verificationScheduled> {
  return { caseId: v.caseId, verificationId: v.id, kind: v.kind, scheduledAt: v.scheduledAt.toISOString() };
}

/** A verification is recorded once: a different outcome or notes is refused, naming what was recorded. */
function alreadyRecorded(v: VerificationEntity, differences: readonly string[]): InvalidTransitionError {
  return new InvalidTransitionError(
    `Verification ${v.id} was already recorded as ${v.outcome ?? ''} on ${v.recordedAt?.toISOString() ?? ''}, and this request differs (${differences.join('; ')}). A recorded outcome is not changed; schedule another verification if one is needed.`,
    { outcome: v.outcome, recordedAt: v.recordedAt?.toISOString() ?? null, differences },
  );
}
