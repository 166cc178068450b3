import type { AttachmentsConfig } from '../../../config.js';
import { FileSystemObjectStore } from './fs-object-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

/** The object store the configuration names. */
export function openObjectStore(cfg: AttachmentsConfig): ObjectStore {
  const s = cfg.storage;
  return s.kind === 'filesystem'
    ? new FileSystemObjectStore(s.dir)
    : new S3ObjectStore({
        bucket: s.bucket,
        endpoint: s.endpoint,
        region: s.region,
        accessKeyId: s.accessKeyId,
        secretAccessKey: s.secretAccessKey,
        forcePathStyle: s.forcePathStyle,
        prefix: s.prefix,
      });
}
