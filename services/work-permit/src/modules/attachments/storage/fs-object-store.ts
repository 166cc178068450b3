import { link, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { assertKey, ObjectExistsError, type ObjectMeta, type ObjectStore } from './object-store.js';

/**
 * Objects as files under one directory (the data directory of `pnpm start`). A write goes to a
 * temporary file first and is then hard-linked into place: `link` fails when the name exists,
 * so two writers of one key cannot both win and a reader never sees half a file. The
 * metadata sits beside the bytes in `<key>.meta.json`.
 */
export class FileSystemObjectStore implements ObjectStore {
  readonly kind = 'filesystem';

  constructor(readonly root: string) {}

  private file(key: string): string {
    assertKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Buffer, meta: ObjectMeta): Promise<void> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `.tmp-${randomUUID()}`);
    await writeFile(tmp, body, { flag: 'wx', mode: 0o640 });
    try {
      await writeFile(`${target}.meta.json`, JSON.stringify(meta), { flag: 'wx', mode: 0o640 }).catch(
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'EEXIST') throw new ObjectExistsError(key);
          throw err;
        },
      );
      await link(tmp, target).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') throw new ObjectExistsError(key);
        await unlink(`${target}.meta.json`).catch(() => undefined);
        throw err;
      });
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async get(key: string): Promise<Buffer | null> {
    return readFile(this.file(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
  }

  async has(key: string): Promise<boolean> {
    return (await stat(this.file(key)).catch(() => null))?.isFile() ?? false;
  }

  async delete(key: string): Promise<void> {
    const file = this.file(key);
    await rm(file, { force: true });
    await rm(`${file}.meta.json`, { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(path.join(dir, e.name), key);
        else if (!e.name.startsWith('.tmp-') && !e.name.endsWith('.meta.json') && key.startsWith(prefix)) out.push(key);
      }
    };
    await walk(this.root, '');
    return out.sort();
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }
}
