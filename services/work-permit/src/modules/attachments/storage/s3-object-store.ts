import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertKey, ObjectExistsError, type ObjectMeta, type ObjectStore } from './object-store.js';

/** How to reach an S3-compatible store (AWS S3, MinIO, Ceph RGW, Alibaba OSS in S3 mode, …). */
export interface S3StoreOptions {
  bucket: string;
  /** Empty: AWS's own endpoint for the region. */
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Path-style URLs (bucket in the path): what most self-hosted stores need. */
  forcePathStyle: boolean;
  /** Every key is written under this prefix (several deployments may share a bucket). */
  prefix?: string;
}

/**
 * Objects in an S3-compatible bucket. Immutability: the write is conditional (`If-None-Match: *`),
 * so a store that supports conditional writes refuses a second object at the same key; before
 * it, a HEAD refuses the key early on stores that ignore the condition. Keys are never reused
 * by OneStop in any case (each upload has its own id).
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly opts: S3StoreOptions) {
    this.client = new S3Client({
      region: opts.region,
      endpoint: opts.endpoint || undefined,
      forcePathStyle: opts.forcePathStyle,
      credentials:
        opts.accessKeyId && opts.secretAccessKey
          ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey }
          : undefined,
      // Checksums only where the API requires them: self-hosted stores differ in what they accept.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.prefix = opts.prefix ? opts.prefix.replace(/\/+$/, '') + '/' : '';
  }

  private key(key: string): string {
    assertKey(key);
    return this.prefix + key;
  }

  async put(key: string, body: Buffer, meta: ObjectMeta): Promise<void> {
    const Key = this.key(key);
    if (await this.has(key)) throw new ObjectExistsError(key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.opts.bucket,
          Key,
          Body: body,
          ContentType: meta.contentType,
          ContentLength: body.length,
          IfNoneMatch: '*',
          Metadata: { sha256: meta.sha256 },
        }),
      );
    } catch (err) {
      if (
        err instanceof S3ServiceException &&
        (err.$metadata.httpStatusCode === 412 || err.name === 'PreconditionFailed')
      )
        throw new ObjectExistsError(key);
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key) }));
      if (!out.Body) return null;
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key) }));
      return true;
    } catch (err) {
      if (notFound(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key) }));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.opts.bucket,
          Prefix: this.prefix + prefix,
          ContinuationToken: token,
        }),
      );
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.prefix.length));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  /** The bucket answers; in development and tests a missing bucket is created. */
  async check(createBucket = false): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.opts.bucket }));
    } catch (err) {
      if (!createBucket || !notFound(err)) throw err;
      await this.client.send(new CreateBucketCommand({ Bucket: this.opts.bucket }));
    }
  }

  close(): void {
    this.client.destroy();
  }
}

function notFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.$metadata.httpStatusCode === 404 ||
      err.name === 'NotFound' ||
      err.name === 'NoSuchKey' ||
      err.name === 'NoSuchBucket')
  );
}
