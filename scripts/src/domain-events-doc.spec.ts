import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderEventCatalogue } from '@onestop/common/contract';

const doc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'domain-events.md');

describe('docs/domain-events.md', () => {
  it('is current with the event catalogue (regenerate: node scripts/dist/domain-events-doc.js)', async () => {
    expect(await readFile(doc, 'utf8')).toBe(renderEventCatalogue());
  });
});
