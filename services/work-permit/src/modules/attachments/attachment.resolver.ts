import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertCan } from '@onestop/common';
import type { CaseEntity } from '../case/case.entity.js';
import { Case } from '../case/case.type.js';
import type DataLoader from 'dataloader';
import type { AreaContext } from '../../shared/request-context.js';
import type { CaseLoaders } from '../case/case.resolver.js';
import type { AttachmentService } from './attachment.service.js';
import { WorkPermitMaterialItem } from '../materials/materials.type.js';
import type { AttachmentVersionView, CaseAttachmentView, UploadTicket } from './attachment.service.js';
import type { AttachmentUploadEntity } from './attachment.entity.js';
import {
  AttachmentDispositionEnum,
  AttachmentLink,
  AttachmentUpload,
  AttachmentUploadTicket,
  AttachmentVersion,
  CaseAttachment,
} from './attachment.type.js';
import { RequestAttachmentUploadInput, ReviewAttachmentInput } from './dto/attachment.input.js';

/** The loaders of the attachments area (built per request in context.ts). */
export interface AttachmentLoaders {
  /** Every filed attachment of a case (reached through the scoped case), with its versions. */
  attachmentsByCase: DataLoader<CaseEntity, CaseAttachmentView[], string>;
}
type AttachmentContext = AreaContext<
  { attachments: AttachmentService },
  AttachmentLoaders & Pick<CaseLoaders, 'caseById'>
>;

/** Reloads one attachment of a case after a change, through the actor's scope. */
async function reload(
  ctx: AttachmentContext,
  ref: { caseId: string; attachmentId: string },
): Promise<CaseAttachmentView> {
  ctx.loaders.caseById.clear(ref.caseId);
  const c = (await ctx.loaders.caseById.load(ref.caseId))!;
  const list = await ctx.services.attachments.byCaseIds([c]);
  return list.get(c.id)!.find((a) => a.id === ref.attachmentId)!;
}

@Resolver(() => CaseAttachment)
export class CaseAttachmentResolver {
  @Mutation(() => AttachmentUploadTicket, {
    description:
      'AGENCY: asks to upload one file of an attachment (case SUBMITTED or RETURNED). PUT the bytes to the returned URL, then confirmAttachmentUpload.',
  })
  async requestAttachmentUpload(
    @Arg('input', () => RequestAttachmentUploadInput) input: RequestAttachmentUploadInput,
    @Ctx() ctx: AttachmentContext,
  ): Promise<UploadTicket> {
    assertCan(ctx.actor, 'attachment.upload');
    return ctx.services.attachments.requestUpload(ctx.actor, input.caseId, input);
  }

  @Mutation(() => CaseAttachment, {
    description:
      'AGENCY: makes the received bytes the next version of the attachment (idempotent). CONFLICT with extensions.refusal when the upload was refused.',
  })
  async confirmAttachmentUpload(
    @Arg('uploadId', () => ID) uploadId: string,
    @Ctx() ctx: AttachmentContext,
  ): Promise<CaseAttachmentView> {
    assertCan(ctx.actor, 'attachment.upload');
    return reload(ctx, await ctx.services.attachments.confirm(ctx.actor, uploadId));
  }

  @Mutation(() => CaseAttachment, {
    description: 'WP_OFFICER: marks one version fine or needing correction (with the reason) during pre-examination.',
  })
  async reviewAttachment(
    @Arg('input', () => ReviewAttachmentInput) input: ReviewAttachmentInput,
    @Ctx() ctx: AttachmentContext,
  ): Promise<CaseAttachmentView> {
    assertCan(ctx.actor, 'case.preExamine');
    return reload(
      ctx,
      await ctx.services.attachments.review(ctx.actor, input.versionId, input.verdict, input.reason ?? null),
    );
  }

  @Query(() => AttachmentUpload, { description: 'AGENCY: one of its uploads: its state and, if refused, why.' })
  async attachmentUpload(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: AttachmentContext,
  ): Promise<AttachmentUploadEntity> {
    assertCan(ctx.actor, 'attachment.upload');
    return ctx.services.attachments.upload(ctx.actor, id);
  }

  @Query(() => AttachmentLink, {
    nullable: true,
    description:
      'A short-lived signed URL to one version (null once retention deleted it). Agencies only for their own cases; every use is written to the access log.',
  })
  async attachmentDownloadUrl(
    @Arg('versionId', () => ID) versionId: string,
    @Arg('disposition', () => AttachmentDispositionEnum, { defaultValue: 'ATTACHMENT' })
    disposition: 'INLINE' | 'ATTACHMENT',
    @Ctx() ctx: AttachmentContext,
  ): Promise<AttachmentLink | null> {
    assertCan(ctx.actor, 'attachment.read');
    return ctx.services.attachments.link(ctx.actor, versionId, disposition === 'INLINE' ? 'inline' : 'attachment');
  }

  @FieldResolver(() => [AttachmentVersion], { description: 'Every version, oldest first.' })
  versions(@Root() a: CaseAttachmentView): AttachmentVersionView[] {
    return a.versions;
  }

  @FieldResolver(() => AttachmentVersion, {
    nullable: true,
    description: 'The latest version: what is pre-examined, and what the counter compares with.',
  })
  current(@Root() a: CaseAttachmentView): AttachmentVersionView | null {
    return a.versions.at(-1) ?? null;
  }

  @FieldResolver(() => Boolean, { description: 'The latest version is marked as needing correction.' })
  needsCorrection(@Root() a: CaseAttachmentView): boolean {
    return a.versions.at(-1)?.verdict === 'NEEDS_CORRECTION';
  }
}

@Resolver(() => AttachmentVersion)
export class AttachmentVersionResolver {
  @FieldResolver(() => Int)
  size(@Root() v: AttachmentVersionView): number {
    return v.sizeBytes;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'A short-lived signed URL that shows the file in the browser (image, or PDF viewer); null once deleted. Every use is written to the access log.',
  })
  async viewUrl(@Root() v: AttachmentVersionView, @Ctx() ctx: AttachmentContext): Promise<string | null> {
    assertCan(ctx.actor, 'attachment.read', { employerId: v.employerId });
    return (
      (await ctx.services.attachments.link(ctx.actor, v.id, 'inline', { version: v, employerId: v.employerId }))?.url ??
      null
    );
  }

  @FieldResolver(() => String, { nullable: true, description: 'Like viewUrl, but the browser saves the file.' })
  async downloadUrl(@Root() v: AttachmentVersionView, @Ctx() ctx: AttachmentContext): Promise<string | null> {
    assertCan(ctx.actor, 'attachment.read', { employerId: v.employerId });
    return (
      (await ctx.services.attachments.link(ctx.actor, v.id, 'attachment', { version: v, employerId: v.employerId }))
        ?.url ?? null
    );
  }
}

@Resolver(() => Case)
export class CaseAttachmentsFieldResolver {
  @FieldResolver(() => [CaseAttachment], {
    description: 'Every attachment filed with the case, with its uploaded versions and pre-examination verdicts.',
  })
  async attachmentFiles(@Root() c: CaseEntity, @Ctx() ctx: AttachmentContext): Promise<CaseAttachmentView[]> {
    assertCan(ctx.actor, 'attachment.read', { employerId: c.employerId });
    return ctx.loaders.attachmentsByCase.load(c);
  }
}

/** The filed attachment beside a checklist item at the counter (attachment-N-original / -copy). */
export type MaterialItemView = WorkPermitMaterialItem & { caseEntity: CaseEntity; attachmentName: string | null };

@Resolver(() => WorkPermitMaterialItem)
export class MaterialItemAttachmentResolver {
  @FieldResolver(() => CaseAttachment, {
    nullable: true,
    description:
      'For an attachment item: the attachment as filed and pre-examined, to compare the original and copy with.',
  })
  async attachment(@Root() item: MaterialItemView, @Ctx() ctx: AttachmentContext): Promise<CaseAttachmentView | null> {
    if (!item.attachmentName) return null;
    assertCan(ctx.actor, 'attachment.read', { employerId: item.caseEntity.employerId });
    const list = await ctx.loaders.attachmentsByCase.load(item.caseEntity);
    return list.find((a) => a.name === item.attachmentName) ?? null;
  }
}
