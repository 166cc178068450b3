import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  ATTACHMENT_KINDS,
  ATTACHMENT_VERDICTS,
  UPLOAD_REFUSALS,
  type AttachmentKind,
  type AttachmentVerdict,
  type UploadRefusal,
} from './attachment.rules.js';
import { enumOf } from '../../shared/enums.js';
import type { UploadState } from './attachment.entity.js';

export const AttachmentKindEnum = enumOf<AttachmentKind>(ATTACHMENT_KINDS);
export const AttachmentVerdictEnum = enumOf<AttachmentVerdict>(ATTACHMENT_VERDICTS);
export const ReviewVerdictEnum = enumOf(['FINE', 'NEEDS_CORRECTION'] as const);
export const UploadRefusalEnum = enumOf<UploadRefusal>(UPLOAD_REFUSALS);
export const UploadStateEnum = enumOf<UploadState>([
  'REQUESTED',
  'RECEIVING',
  'RECEIVED',
  'REFUSED',
  'CONFIRMED',
  'DISCARDED',
]);
export const AttachmentDispositionEnum = enumOf(['INLINE', 'ATTACHMENT'] as const);

registerEnumType(AttachmentKindEnum, { name: 'AttachmentKind', description: 'What a filed document is.' });
registerEnumType(AttachmentVerdictEnum, {
  name: 'AttachmentVerdict',
  description: "The pre-examination officer's verdict on one version: PENDING until reviewed.",
});
registerEnumType(ReviewVerdictEnum, { name: 'AttachmentReviewVerdict' });
registerEnumType(UploadRefusalEnum, {
  name: 'UploadRefusal',
  description: 'Why the file endpoint refused an upload (docs/attachments.md); nothing was stored.',
});
registerEnumType(UploadStateEnum, { name: 'AttachmentUploadState' });
registerEnumType(AttachmentDispositionEnum, {
  name: 'AttachmentDisposition',
  description: 'INLINE: shown in the browser (image or PDF viewer); ATTACHMENT: saved as a file.',
});

@ObjectType('AttachmentVersion', {
  description: 'One immutable version of an attachment. A correction adds a version; the earlier ones stay.',
})
export class AttachmentVersion {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: '1 for the first upload, then one more per correction.' })
  version!: number;

  @Field(() => String)
  fileName!: string;

  @Field(() => String, { description: 'The type found in the bytes: application/pdf, image/jpeg or image/png.' })
  contentType!: string;

  @Field(() => Int, { description: 'Bytes.' })
  size!: number;

  @Field(() => String, { description: 'Hex SHA-256 of the bytes, checked on upload and on every read.' })
  sha256!: string;

  @Field(() => GraphQLISODateTime)
  uploadedAt!: Date;

  @Field(() => String)
  uploadedByName!: string;

  @Field(() => AttachmentVerdictEnum)
  verdict!: AttachmentVerdict;

  @Field(() => String, { nullable: true, description: 'What to correct, when NEEDS_CORRECTION.' })
  verdictReason!: string | null;

  @Field(() => String, { nullable: true })
  reviewedByName!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  reviewedAt!: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When retention deleted the bytes (the record of what was filed stays).',
  })
  deletedAt!: Date | null;
}

@ObjectType('CaseAttachment', {
  description:
    'One attachment filed with the case (a name of the filing), with every version uploaded for it. Listed before its first upload too (no versions yet).',
})
export class CaseAttachment {
  @Field(() => ID, { description: 'Stable: derived from the case and the name, known before the first upload.' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => AttachmentKindEnum, { nullable: true, description: 'Declared with the first upload.' })
  kind!: AttachmentKind | null;
}

@ObjectType('AttachmentUploadTicket', {
  description:
    'Where to send one file: PUT its bytes to `url` before `expiresAt` (one use), then confirmAttachmentUpload.',
})
export class AttachmentUploadTicket {
  @Field(() => ID)
  uploadId!: string;

  @Field(() => String, { description: 'The signed, single-use upload URL on the file endpoint.' })
  url!: string;

  @Field(() => String)
  method!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => Int, { description: 'The largest file accepted, in bytes.' })
  maxBytes!: number;
}

@ObjectType('AttachmentUpload', { description: 'One requested upload and what became of it.' })
export class AttachmentUpload {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  caseId!: string;

  @Field(() => String)
  attachmentName!: string;

  @Field(() => String)
  fileName!: string;

  @Field(() => UploadStateEnum)
  state!: UploadState;

  @Field(() => UploadRefusalEnum, { nullable: true })
  refusal!: UploadRefusal | null;

  @Field(() => String, { nullable: true })
  refusalMessage!: string | null;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;
}

@ObjectType('AttachmentLink', {
  description: 'A short-lived signed URL to one version; using it is written to the access log.',
})
export class AttachmentLink {
  @Field(() => String)
  url!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;
}
