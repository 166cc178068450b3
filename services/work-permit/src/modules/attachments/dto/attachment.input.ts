import { Field, ID, InputType, Int } from 'type-graphql';
import type { AttachmentKind } from '../attachment.rules.js';
import { AttachmentKindEnum, ReviewVerdictEnum } from '../attachment.type.js';

@InputType('RequestAttachmentUploadInput')
export class RequestAttachmentUploadInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => String, {
    description: "Which of the case's attachments this file is (one of Case.attachmentFiles.name).",
  })
  attachmentName!: string;

  @Field(() => AttachmentKindEnum)
  kind!: AttachmentKind;

  @Field(() => String)
  fileName!: string;

  @Field(() => String, { description: 'application/pdf, image/jpeg or image/png; checked against the bytes.' })
  contentType!: string;

  @Field(() => Int, { description: 'Bytes; at most the configured limit (10 MB by default).' })
  size!: number;

  @Field(() => String, { description: 'Hex SHA-256 of the bytes; checked when they arrive.' })
  sha256!: string;
}

@InputType('ReviewAttachmentInput')
export class ReviewAttachmentInput {
  @Field(() => ID, { description: 'The version reviewed (normally the latest).' })
  versionId!: string;

  @Field(() => ReviewVerdictEnum)
  verdict!: 'FINE' | 'NEEDS_CORRECTION';

  @Field(() => String, { nullable: true, description: 'Required for NEEDS_CORRECTION: what to correct.' })
  reason?: string | null;
}
