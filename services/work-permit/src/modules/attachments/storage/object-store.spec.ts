import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from './fs-object-store.js';
import { ObjectExistsError, type ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-object-store.js';
import { startS3rver, type S3rverProcess } from './s3rver-process.js';

const meta = (b: Buffer): { contentType: string; sha256: string } => ({
  contentType: 'application/pdf',
  sha256: createHash('sha256').update(b).digest('hex'),
});

/** The one storage suite: every implementation must pass it unchanged. */
function storageSuite(name: string, open: () => Promise<{ store: ObjectStore; close(): Promise<void> }>): void {
  describe(`object store: ${name}`, () => {
    let store: ObjectStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
      await store.check();
    });
    afterAll(async () => close?.());

    it('stores bytes and reads back exactly the same bytes', async () => {
      const body = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, ...Buffer.from(' binary \r\n')]);
      await store.put('cases/c1/a1/v1', body, meta(body));
      expect(await store.has('cases/c1/a1/v1')).toBe(true);
      expect((await store.get('cases/c1/a1/v1'))!.equals(body)).toBe(true);
    });

    it('answers null and false for an object that does not exist', async () => {
      expect(await store.get('cases/none/x')).toBeNull();
      expect(await store.has('cases/none/x')).toBe(false);
    });

    it('is immutable: a second write at the same key is refused and the first object stays', async () => {
      const first = Buffer.from('first version');
      await store.put('cases/c2/a1/v1', first, meta(first));
      const second = Buffer.from('an attempt to overwrite');
      await expect(store.put('cases/c2/a1/v1', second, meta(second))).rejects.toBeInstanceOf(ObjectExistsError);
      expect((await store.get('cases/c2/a1/v1'))!.toString()).toBe('first version');
    });

    it('keeps every version: a correction is a new key beside the old one', async () => {
      const v1 = Buffer.from('scan one');
      const v2 = Buffer.from('scan two, rescanned at 300 dpi');
      await store.put('cases/c3/a1/v1', v1, meta(v1));
      await store.put('cases/c3/a1/v2', v2, meta(v2));
      expect(await store.list('cases/c3/')).toEqual(['cases/c3/a1/v1', 'cases/c3/a1/v2']);
      expect((await store.get('cases/c3/a1/v1'))!.toString()).toBe('scan one');
      expect((await store.get('cases/c3/a1/v2'))!.toString()).toBe('scan two, rescanned at 300 dpi');
    });

    it('deletes an object (retention) and deleting it again is no error', async () => {
      const b = Buffer.from('to be deleted');
      await store.put('cases/c4/a1/v1', b, meta(b));
      await store.delete('cases/c4/a1/v1');
      await store.delete('cases/c4/a1/v1');
      expect(await store.has('cases/c4/a1/v1')).toBe(false);
      expect(await store.list('cases/c4/')).toEqual([]);
    });

    it('holds a 10 MB object', async () => {
      const big = Buffer.alloc(10 * 1024 * 1024, 7);
      await store.put('cases/c5/a1/v1', big, meta(big));
      expect((await store.get('cases/c5/a1/v1'))!.equals(big)).toBe(true);
    });

    it('refuses keys that could escape the store', async () => {
      const b = Buffer.from('x');
      await expect(store.put('../outside', b, meta(b))).rejects.toThrow(/valid object key/);
      await expect(store.put('cases/../../x', b, meta(b))).rejects.toThrow(/valid object key/);
      await expect(store.get('/etc/passwd')).rejects.toThrow(/valid object key/);
    });
  });
}

storageSuite('local filesystem', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'onestop-fs-store-'));
  return { store: new FileSystemObjectStore(root), close: () => rm(root, { recursive: true, force: true }) };
});

storageSuite('S3-compatible server (s3rver process)', async () => {
  const server: S3rverProcess = await startS3rver();
  const store = new S3ObjectStore({
    bucket: server.bucket,
    endpoint: server.endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix: 'onestop',
  });
  return {
    store,
    close: async () => {
      store.close();
      await server.stop();
    },
  };
});
