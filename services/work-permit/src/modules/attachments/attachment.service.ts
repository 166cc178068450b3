import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  assertCan,
  BadUserInputError,
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  type Actor,
  type Clock,
  type CommandAuthor,
  type CommandPipeline,
  type CommandSpec,
  type Logger,
  isUuid,
} from '@onestop/common';
import { type CaseStatus } from '@onestop/common/contract';
import type { AccessLogService } from '../access-log/access-log.service.js';
import { changeCase, ON_CASE } from '../case/case-changes.js';
import { lockCase } from '../case/case.store.js';
import { CaseEntity } from '../case/case.entity.js';
import type { CaseQueryService } from '../case/case-query.service.js';
import type { AttachmentsConfig } from '../../config.js';
import { attachmentId, objectKey } from './attachment-ids.js';
import {
  AttachmentEntity,
  AttachmentUploadEntity,
  AttachmentVersionEntity,
  type UploadState,
} from './attachment.entity.js';
import {
  judgeUpload,
  uploadRequestProblems,
  type AttachmentKind,
  type AttachmentVerdict,
  type UploadRefusal,
  type UploadRequest,
} from './attachment.rules.js';
import { signGrant, verifyGrant, type UrlGrant } from './signed-url.js';
import type { ObjectStore } from './storage/object-store.js';
import type { VirusScanner } from './virus-scan.js';

/** Statuses in which an agency may upload (a new version after a return is the correction). */
const UPLOADABLE: ReadonlySet<CaseStatus> = new Set(['SUBMITTED', 'RETURNED']);

/** What `requestUpload` hands back: where to send the bytes, until when. */
export interface UploadTicket {
  uploadId: string;
  url: string;
  method: 'PUT';
  expiresAt: Date;
  maxBytes: number;
}

/** A version as the API resolves it: with its case's employer, for the authorization of its links. */
export type AttachmentVersionView = AttachmentVersionEntity & { employerId: string };

/** A case's attachment as the API shows it: every filed name, with the versions uploaded so far. */
export interface CaseAttachmentView {
  id: string;
  caseId: string;
  employerId: string;
  name: string;
  kind: AttachmentKind | null;
  /** Oldest first. */
  versions: AttachmentVersionView[];
}

/** The outcome of a request to the file endpoint: an HTTP status and a JSON body, or the bytes. */
export type FileResponse =
  | { status: number; json: unknown }
  | { status: 200; bytes: Buffer; version: AttachmentVersionEntity; disposition: 'inline' | 'attachment' };

/** An attachment of a case, as the upload and review mutations answer. */
export interface AttachmentRef {
  caseId: string;
  attachmentId: string;
}

/** What confirming an upload changes: its case and the upload, both locked. */
interface UploadTarget {
  c: CaseEntity;
  u: AttachmentUploadEntity;
}

/** A return item that names an attachment. */
export interface AttachmentCorrection {
  attachmentId: string;
  problem: string;
}

/**
 * The online materials (issue 18): single-use signed uploads checked from the bytes, immutable
 * versions in the object store, the officer's verdict per version, signed downloads written to
 * the access log, and deletion after the retention period of withdrawn and refused cases.
 */
export class AttachmentService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly commands: CommandPipeline,
    private readonly cfg: AttachmentsConfig,
    private readonly store: ObjectStore,
    private readonly scanner: VirusScanner,
    private readonly cases: CaseQueryService,
    private readonly accessLog: AccessLogService,
    private readonly logger: Logger,
    /** The file endpoint's base URL, known once it listens. */
    private readonly baseUrl: () => string,
  ) {}

  /** Every filed attachment of each case with its versions, in one statement per table. */
  async byCaseIds(cases: readonly CaseEntity[]): Promise<Map<string, CaseAttachmentView[]>> {
    const ids = cases.map((c) => c.id);
    const out = new Map<string, CaseAttachmentView[]>();
    if (!ids.length) return out;
    const [rows, versions] = await Promise.all([
      this.ds.getRepository(AttachmentEntity).createQueryBuilder('a').where('a.caseId = ANY(:ids)', { ids }).getMany(),
      this.ds
        .getRepository(AttachmentVersionEntity)
        .createQueryBuilder('v')
        .where('v.caseId = ANY(:ids)', { ids })
        .orderBy('v.version', 'ASC')
        .getMany(),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const employerOf = new Map(cases.map((c) => [c.id, c.employerId]));
    const versionsOf = new Map<string, AttachmentVersionView[]>();
    for (const v of versions)
      versionsOf.set(v.attachmentId, [
        ...(versionsOf.get(v.attachmentId) ?? []),
        Object.assign(v, { employerId: employerOf.get(v.caseId)! }),
      ]);
    for (const c of cases) {
      out.set(
        c.id,
        c.attachments.map((name) => {
          const id = attachmentId(c.id, name);
          return {
            id,
            caseId: c.id,
            employerId: c.employerId,
            name,
            kind: byId.get(id)?.kind ?? null,
            versions: versionsOf.get(id) ?? [],
          };
        }),
      );
    }
    return out;
  }

  /** AGENCY: asks for a signed, single-use URL to send one file's bytes to. */
  async requestUpload(actor: Actor | null, caseId: string, input: UploadRequest): Promise<UploadTicket> {
    assertCan(actor, 'attachment.upload');
    const c = (await this.cases.findByIds(actor, [caseId])).get(caseId);
    if (!c) throw new NotFoundError('Case', caseId);
    assertCan(actor, 'attachment.upload', { employerId: c.employerId });
    assertUploadable(c);
    const problems = uploadRequestProblems(input, c.attachments, this.cfg.maxBytes);
    if (problems.length) throw new BadUserInputError('The upload cannot be requested', problems);
    const name = c.attachments.find((n) => n.toLowerCase() === input.attachmentName.trim().toLowerCase())!;
    const now = this.clock.now();
    const upload: AttachmentUploadEntity = {
      id: randomUUID(),
      caseId: c.id,
      attachmentName: name,
      kind: input.kind,
      fileName: input.fileName.trim(),
      contentType: input.contentType,
      sizeBytes: input.size,
      sha256: input.sha256.toLowerCase(),
      requestedBy: actor.id,
      requestedByName: actor.name,
      requestedAt: now,
      expiresAt: new Date(now.getTime() + this.cfg.uploadUrlTtlSeconds * 1000),
      state: 'REQUESTED',
      refusal: null,
      refusalMessage: null,
      receivedAt: null,
      storageKey: null,
      versionId: null,
    };
    await this.ds.getRepository(AttachmentUploadEntity).insert(upload);
    const token = signGrant(this.cfg.urlSecret, { op: 'put', uploadId: upload.id, exp: upload.expiresAt.getTime() });
    return {
      uploadId: upload.id,
      url: `${this.baseUrl()}/files/uploads/${token}`,
      method: 'PUT',
      expiresAt: upload.expiresAt,
      maxBytes: this.cfg.maxBytes,
    };
  }

  /** An upload as its agency sees it (state and refusal). */
  async upload(actor: Actor | null, uploadId: string): Promise<AttachmentUploadEntity> {
    assertCan(actor, 'attachment.upload');
    const u = isUuid(uploadId) ? await this.ds.getRepository(AttachmentUploadEntity).findOneBy({ id: uploadId }) : null;
    const c = u ? (await this.cases.findByIds(actor, [u.caseId])).get(u.caseId) : undefined;
    if (!u || !c) throw new NotFoundError('AttachmentUpload', uploadId);
    return u;
  }

  /**
   * The file endpoint's PUT: claims the single-use upload (only one request ever gets past
   * this), checks size, hash and the real type from the bytes, scans them, and only then
   * writes them to the store. A refusal stores nothing and uses up the URL.
   */
  async receive(token: string, readBody: (limit: number) => Promise<Buffer | 'too-large'>): Promise<FileResponse> {
    const grant = verifyGrant(this.cfg.urlSecret, token);
    if (!grant || grant.op !== 'put') return refusal(403, 'UPLOAD_URL_INVALID', 'This upload URL is not valid.');
    const now = this.clock.now();
    const repo = this.ds.getRepository(AttachmentUploadEntity);
    const claimed = (await this.ds.query(
      `UPDATE wp.attachment_upload SET state = 'RECEIVING'
        WHERE id = $1 AND state = 'REQUESTED' AND expires_at > $2 RETURNING id`,
      [grant.uploadId, now],
    )) as [unknown[], number];
    if (!claimed[1]) {
      const u = await repo.findOneBy({ id: grant.uploadId });
      if (!u) return refusal(403, 'UPLOAD_URL_INVALID', 'This upload URL is not valid.');
      if (u.state === 'REQUESTED')
        return refusal(
          410,
          'UPLOAD_EXPIRED',
          `This upload URL expired at ${u.expiresAt.toISOString()}: request a new one.`,
        );
      return refusal(409, 'UPLOAD_ALREADY_USED', 'This upload URL has already been used: request a new one.');
    }
    const u = (await repo.findOneBy({ id: grant.uploadId }))!;
    const refuse = async (status: number, code: UploadRefusal, message: string): Promise<FileResponse> => {
      await repo.update({ id: u.id }, { state: 'REFUSED', refusal: code, refusalMessage: message });
      this.logger.info({ uploadId: u.id, caseId: u.caseId, refusal: code }, 'attachment upload refused');
      return refusal(status, code, message);
    };
    const body = await readBody(this.cfg.maxBytes);
    if (body === 'too-large')
      return refuse(413, 'FILE_TOO_LARGE', `The file is over the limit of ${this.cfg.maxBytes} bytes.`);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const judged = await judgeUpload(
      body,
      { size: u.sizeBytes, sha256: u.sha256, contentType: u.contentType },
      sha256,
      this.cfg.maxBytes,
    );
    if (judged.refusal) return refuse(judged.refusal === 'FILE_TOO_LARGE' ? 413 : 422, judged.refusal, judged.message);
    const scan = await this.scanner.scan(body);
    if (scan.verdict === 'infected')
      return refuse(422, 'INFECTED', `The virus scan found ${scan.signature}: the file was not stored.`);
    if (scan.verdict === 'error') {
      this.logger.error({ uploadId: u.id, err: scan.message }, 'virus scan unavailable');
      return refuse(
        503,
        'SCAN_UNAVAILABLE',
        'The virus scan is unavailable, so the file was not stored: try again later.',
      );
    }
    const key = objectKey(u.caseId, u.id);
    try {
      await this.store.put(key, body, { contentType: judged.contentType, sha256 });
    } catch (err) {
      this.logger.error(
        { uploadId: u.id, err: (err as Error).message, store: this.store.kind },
        'attachment store unavailable',
      );
      return refuse(
        503,
        'STORAGE_UNAVAILABLE',
        'The file could not be stored right now: request a new upload URL and try again.',
      );
    }
    await repo.update({ id: u.id }, { state: 'RECEIVED', receivedAt: this.clock.now(), storageKey: key });
    return {
      status: 201,
      json: { uploadId: u.id, state: 'RECEIVED', size: body.length, sha256, contentType: judged.contentType },
    };
  }

  /**
   * AGENCY: makes received bytes the next version of the attachment. Idempotent: confirming a
   * confirmed upload answers the same version.
   */
  async confirm(actor: Actor | null, uploadId: string): Promise<{ caseId: string; attachmentId: string }> {
    assertCan(actor, 'attachment.upload');
    if (!isUuid(uploadId)) throw new NotFoundError('AttachmentUpload', uploadId);
    return this.commands.run(actor, this.confirmUpload, { uploadId });
  }

  private readonly confirmUpload: CommandSpec<{ uploadId: string }, UploadTarget, AttachmentRef> = {
    name: 'confirmAttachmentUpload',
    action: 'attachment.upload',
    // Lock order: the case, then the upload row.
    load: async (tx, { uploadId }) => {
      const peek = await tx.getRepository(AttachmentUploadEntity).findOneBy({ id: uploadId });
      const c = peek ? await lockCase(tx, peek.caseId) : null;
      if (!c) return null;
      const u = await tx
        .getRepository(AttachmentUploadEntity)
        .createQueryBuilder('u')
        .setLock('pessimistic_write')
        .where('u.id = :id', { id: uploadId })
        .getOne();
      return { c, u: u! };
    },
    resource: ({ c }) => ON_CASE.resource(c),
    notFound: ({ uploadId }) => new NotFoundError('AttachmentUpload', uploadId),
    subject: ({ c }) => ON_CASE.subject(c),
    replay: async (_tx, { c, u }) =>
      u.state === 'CONFIRMED' ? { caseId: c.id, attachmentId: attachmentId(c.id, u.attachmentName) } : null,
    rules: ({ c, u }) => {
      if (u.state !== 'RECEIVED') throw uploadNotReceived(u.state, u.refusal, u.refusalMessage);
      assertUploadable(c);
      if (!c.attachments.some((n) => n.toLowerCase() === u.attachmentName.toLowerCase()))
        throw new ConflictError(`"${u.attachmentName}" is no longer one of the case's attachments.`);
    },
    execute: (cx, { c, u }) =>
      changeCase(cx, async (changes) => {
        const actor = cx.actor!;
        const id = attachmentId(c.id, u.attachmentName);
        await cx.tx
          .createQueryBuilder()
          .insert()
          .into(AttachmentEntity)
          .values({ id, caseId: c.id, name: u.attachmentName, kind: u.kind, createdAt: cx.now })
          .orUpdate(['kind'], ['id'])
          .execute();
        const [{ next }] = (await cx.tx.query(
          `SELECT coalesce(max(version), 0) + 1 AS next FROM wp.attachment_version WHERE attachment_id = $1`,
          [id],
        )) as [{ next: number }];
        const versionId = randomUUID();
        await cx.tx.getRepository(AttachmentVersionEntity).insert({
          id: versionId,
          attachmentId: id,
          caseId: c.id,
          version: Number(next),
          fileName: u.fileName,
          contentType: u.contentType as AttachmentVersionEntity['contentType'],
          sizeBytes: u.sizeBytes,
          sha256: u.sha256,
          storageKey: u.storageKey!,
          uploadedBy: actor.id,
          uploadedByName: actor.name,
          uploadedAt: cx.now,
          verdict: 'PENDING',
          verdictReason: null,
          reviewedBy: null,
          reviewedByName: null,
          reviewedAt: null,
          deletedAt: null,
        });
        await cx.tx.getRepository(AttachmentUploadEntity).update({ id: u.id }, { state: 'CONFIRMED', versionId });
        changes.note(c, 'ATTACHMENT_UPLOADED', `${u.attachmentName}: version ${next} (${u.fileName})`);
        return { caseId: c.id, attachmentId: id };
      }),
  };

  /** Retention's line on a case's timeline: which files were deleted, and why. */
  private readonly noteRetention: CommandSpec<{ c: CaseEntity; files: string[] }, CaseEntity, void> = {
    name: 'deleteAttachmentsAfterRetention',
    action: 'case.read', // unchecked: the system runs it (runIn), not a person
    load: async (_tx, { c }) => c,
    resource: ON_CASE.resource,
    notFound: ({ c }) => new NotFoundError('Case', c.id),
    subject: ON_CASE.subject,
    execute: (cx, c, { files }) =>
      changeCase(cx, (changes) =>
        changes.note(
          c,
          'ATTACHMENTS_DELETED',
          `Retention (${this.cfg.retentionDays} days after ${c.status === 'WITHDRAWN' ? 'withdrawal' : 'refusal'}): deleted ${files.join(', ')}`,
        ),
      ),
  };

  /** WP_OFFICER: marks one version fine or needing correction (with the reason) during pre-examination. */
  async review(
    actor: Actor | null,
    versionId: string,
    verdict: Exclude<AttachmentVerdict, 'PENDING'>,
    reason: string | null,
  ): Promise<AttachmentRef> {
    assertCan(actor, 'case.preExamine');
    const why = reason?.trim() || null;
    if (verdict === 'NEEDS_CORRECTION' && (!why || why.length > 2000))
      throw new BadUserInputError('The attachment cannot be marked', [
        'reason must say what to correct (1 to 2000 characters)',
      ]);
    if (!isUuid(versionId)) throw new NotFoundError('AttachmentVersion', versionId);
    return this.commands.run(actor, this.reviewVersion, { versionId, verdict, reason: why });
  }

  private readonly reviewVersion: CommandSpec<
    { versionId: string; verdict: Exclude<AttachmentVerdict, 'PENDING'>; reason: string | null },
    { c: CaseEntity; v: AttachmentVersionEntity },
    AttachmentRef
  > = {
    name: 'reviewAttachment',
    action: 'case.preExamine',
    load: async (tx, { versionId }) => {
      const v = await tx.getRepository(AttachmentVersionEntity).findOneBy({ id: versionId });
      const c = v ? await lockCase(tx, v.caseId) : null;
      return v && c && { c, v };
    },
    resource: ({ c }) => ON_CASE.resource(c),
    notFound: ({ versionId }) => new NotFoundError('AttachmentVersion', versionId),
    subject: ({ c }) => ON_CASE.subject(c),
    rules: ({ c }) => {
      if (c.status !== 'SUBMITTED')
        throw new InvalidTransitionError(
          `Case ${c.reference} is ${c.status}: attachments are marked during pre-examination (SUBMITTED).`,
        );
    },
    execute: async (cx, { c, v }, { verdict, reason }) => {
      const actor = cx.actor!;
      await cx.tx.getRepository(AttachmentVersionEntity).update(
        { id: v.id },
        {
          verdict,
          verdictReason: verdict === 'FINE' ? null : reason,
          reviewedBy: actor.id,
          reviewedByName: actor.name,
          reviewedAt: cx.now,
        },
      );
      return { caseId: c.id, attachmentId: v.attachmentId };
    },
  };

  /**
   * Inside returnCase's transaction: checks the attachments a return names and marks their
   * current versions as needing correction. Returns each one's name, for the notification.
   */
  async markForCorrection(
    tx: EntityManager,
    actor: Actor,
    c: CaseEntity,
    corrections: readonly AttachmentCorrection[],
  ): Promise<Map<string, string>> {
    const names = new Map(c.attachments.map((n) => [attachmentId(c.id, n), n]));
    const problems = corrections
      .filter((k) => !names.has(k.attachmentId))
      .map((k) => `attachmentId ${k.attachmentId} is not an attachment of case ${c.reference}`);
    if (problems.length) throw new BadUserInputError('The case cannot be returned', problems);
    const now = this.clock.now();
    for (const k of corrections) {
      await tx.query(
        `UPDATE wp.attachment_version SET verdict = 'NEEDS_CORRECTION', verdict_reason = $2, reviewed_by = $3, reviewed_by_name = $4, reviewed_at = $5
          WHERE id = (SELECT id FROM wp.attachment_version WHERE attachment_id = $1 ORDER BY version DESC LIMIT 1)`,
        [k.attachmentId, k.problem, actor.id, actor.name, now],
      );
    }
    return names;
  }

  /**
   * Inside passPreExamination's transaction: refuses while a current version is marked as
   * needing correction, and marks the unreviewed current versions fine (what the counter will
   * compare the originals with).
   */
  async settleOnPass(tx: EntityManager, actor: Actor, c: CaseEntity): Promise<void> {
    const rows = (await tx.query(
      `SELECT DISTINCT ON (attachment_id) id, attachment_id, version, verdict FROM wp.attachment_version
        WHERE case_id = $1 ORDER BY attachment_id, version DESC`,
      [c.id],
    )) as { id: string; attachment_id: string; version: number; verdict: AttachmentVerdict }[];
    const names = new Map(c.attachments.map((n) => [attachmentId(c.id, n), n]));
    const flagged = rows.filter((r) => r.verdict === 'NEEDS_CORRECTION' && names.has(r.attachment_id));
    if (flagged.length)
      throw new InvalidTransitionError(
        `Case ${c.reference} cannot pass: ${flagged.map((r) => `"${names.get(r.attachment_id)}" version ${r.version}`).join(', ')} is marked as needing correction. Return the case, or mark it fine.`,
        { attachmentIds: flagged.map((r) => r.attachment_id) },
      );
    const pending = rows.filter((r) => r.verdict === 'PENDING').map((r) => r.id);
    if (pending.length)
      await tx.query(
        `UPDATE wp.attachment_version SET verdict = 'FINE', reviewed_by = $2, reviewed_by_name = $3, reviewed_at = $4 WHERE id = ANY($1)`,
        [pending, actor.id, actor.name, this.clock.now()],
      );
  }

  /**
   * A short-lived signed URL to one version, issued after `assertCan` on its case (an agency
   * only its own employers' cases). The view itself is logged when the URL is used.
   */
  async link(
    actor: Actor | null,
    versionId: string,
    disposition: 'inline' | 'attachment',
    known?: { version: AttachmentVersionEntity; employerId: string },
  ): Promise<{ url: string; expiresAt: Date } | null> {
    assertCan(actor, 'attachment.read');
    let v = known?.version;
    let employerId = known?.employerId;
    if (!v) {
      const found = isUuid(versionId)
        ? await this.ds.getRepository(AttachmentVersionEntity).findOneBy({ id: versionId })
        : null;
      const c = found ? (await this.cases.findByIds(actor, [found.caseId])).get(found.caseId) : undefined;
      if (!found || !c) throw new NotFoundError('AttachmentVersion', versionId);
      v = found;
      employerId = c.employerId;
    }
    assertCan(actor, 'attachment.read', { employerId });
    if (v.deletedAt) return null;
    const expiresAt = new Date(this.clock.now().getTime() + this.cfg.downloadUrlTtlSeconds * 1000);
    const token = signGrant(this.cfg.urlSecret, {
      op: 'get',
      versionId: v.id,
      exp: expiresAt.getTime(),
      actor: { id: actor.id, role: actor.role, name: actor.name },
      disposition,
    });
    return { url: `${this.baseUrl()}/files/v/${token}`, expiresAt };
  }

  /** The file endpoint's GET: checks the URL, writes the access log, then reads and checks the bytes. */
  async serve(token: string): Promise<FileResponse> {
    const grant = verifyGrant(this.cfg.urlSecret, token) as Extract<UrlGrant, { op: 'get' }> | null;
    if (!grant || grant.op !== 'get') return refusal(403, 'DOWNLOAD_URL_INVALID', 'This download URL is not valid.');
    if (grant.exp <= this.clock.now().getTime())
      return refusal(410, 'DOWNLOAD_EXPIRED', 'This download URL has expired: ask for a new one.');
    const v = await this.ds.getRepository(AttachmentVersionEntity).findOneBy({ id: grant.versionId });
    if (!v) return refusal(404, 'NOT_FOUND', 'No such attachment.');
    if (v.deletedAt) return refusal(410, 'ATTACHMENT_DELETED', 'This file was deleted after its retention period.');
    const a = await this.ds.getRepository(AttachmentEntity).findOneBy({ id: v.attachmentId });
    // Written before a byte leaves: if the log cannot be written, nothing is served.
    await this.accessLog.recordAs(grant.actor, v.caseId, [`attachment:${a?.name ?? v.attachmentId}#v${v.version}`]);
    const bytes = await this.store.get(v.storageKey);
    if (!bytes) return refusal(410, 'ATTACHMENT_DELETED', 'The file is no longer in storage.');
    if (createHash('sha256').update(bytes).digest('hex') !== v.sha256) {
      this.logger.error({ versionId: v.id, key: v.storageKey }, 'stored attachment does not match its SHA-256');
      return refusal(
        500,
        'INTEGRITY_ERROR',
        'The stored file does not match what was filed; the operators have been told.',
      );
    }
    return { status: 200, bytes, version: v, disposition: grant.disposition };
  }

  /**
   * Retention: deletes the bytes of cases withdrawn, or with a permit refused, more than the
   * retention period ago (business clock), and bytes received but never confirmed. Each case's
   * deletion is a timeline line; rows stay as the record of what was filed. Two instances
   * never delete the same rows (SKIP LOCKED).
   */
  async sweepRetention(batch = 200): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.cfg.retentionDays * 86_400_000);
    let deleted = 0;
    await this.ds.transaction(async (tx) => {
      const rows = (await tx.query(
        `SELECT v.id, v.case_id, v.storage_key, v.version, a.name
           FROM wp.attachment_version v
           JOIN wp.attachment a ON a.id = v.attachment_id
           JOIN wp."case" c ON c.id = v.case_id
          WHERE v.deleted_at IS NULL
            AND ((c.status = 'WITHDRAWN' AND c.withdrawn_at <= $1)
              OR (c.ready_at IS NOT NULL AND c.ready_at <= $1 AND (c.wp_status = 'REFUSED' OR c.rp_status = 'REFUSED')))
          ORDER BY v.case_id
          LIMIT $2
          FOR UPDATE OF v SKIP LOCKED`,
        [cutoff, batch],
      )) as { id: string; case_id: string; storage_key: string; version: number; name: string }[];
      for (const r of rows) await this.store.delete(r.storage_key);
      if (rows.length) {
        await tx.query(`UPDATE wp.attachment_version SET deleted_at = $2 WHERE id = ANY($1)`, [
          rows.map((r) => r.id),
          now,
        ]);
        const byCase = new Map<string, string[]>();
        for (const r of rows) byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), `${r.name} v${r.version}`]);
        // A timeline line per case, as a system command (the case is not locked: commands lock
        // the case before a version, so the sweep, holding versions, must not wait for a case).
        const cases = await tx.getRepository(CaseEntity).findBy([...byCase.keys()].map((id) => ({ id })));
        const author: CommandAuthor = { kind: 'system', name: 'retention', cause: { actorId: null, at: now } };
        for (const c of cases)
          await this.commands.runIn(tx, author, this.noteRetention, { c, files: byCase.get(c.id)! });
        for (const [caseId, files] of byCase)
          this.logger.info({ caseId, files }, 'attachments deleted after retention');
      }
      deleted += rows.length;
      const orphans = (await tx.query(
        `SELECT id, storage_key FROM wp.attachment_upload
          WHERE state = 'RECEIVED' AND expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [new Date(now.getTime() - 86_400_000), batch],
      )) as { id: string; storage_key: string }[];
      for (const o of orphans) await this.store.delete(o.storage_key);
      if (orphans.length) {
        await tx.query(`UPDATE wp.attachment_upload SET state = 'DISCARDED' WHERE id = ANY($1)`, [
          orphans.map((o) => o.id),
        ]);
        this.logger.info({ uploads: orphans.length }, 'unconfirmed uploads discarded');
      }
    });
    return deleted;
  }
}

function assertUploadable(c: CaseEntity): void {
  if (!UPLOADABLE.has(c.status))
    throw new InvalidTransitionError(
      `Case ${c.reference} is ${c.status}: attachments are uploaded while the case is SUBMITTED or RETURNED; the filed versions are kept unchanged after pre-examination.`,
    );
}

function uploadNotReceived(state: UploadState, code: UploadRefusal | null, message: string | null): ConflictError {
  if (state === 'REFUSED')
    return new ConflictError(`The upload was refused (${code}): ${message ?? ''} Request a new upload URL.`, {
      refusal: code,
    });
  if (state === 'DISCARDED')
    return new ConflictError('The upload was discarded: request a new upload URL.', { refusal: null });
  return new ConflictError('The file has not been received yet: send its bytes to the upload URL first.', {
    refusal: null,
  });
}

function refusal(status: number, code: string, message: string): FileResponse {
  return { status, json: { error: { code, message } } };
}
