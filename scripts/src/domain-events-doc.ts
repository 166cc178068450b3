/**
 * Writes docs/domain-events.md from the event catalogue (services/common/src/domain/domain-events.ts).
 * `--check`: writes nothing and fails when the committed file is not current.
 * Run: `tsc -b tsconfig.build.json && node scripts/dist/domain-events-doc.js [--check]`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderEventCatalogue } from '@onestop/common/contract';
import { repoRoot } from './paths.js';

export const DOMAIN_EVENTS_DOC = path.join(repoRoot, 'docs', 'domain-events.md');

const rendered = renderEventCatalogue();
if (process.argv.includes('--check')) {
  const committed = await readFile(DOMAIN_EVENTS_DOC, 'utf8').catch(() => '');
  if (committed !== rendered) {
    console.error('docs/domain-events.md is not current: run node scripts/dist/domain-events-doc.js');
    process.exit(1);
  }
  console.log('docs/domain-events.md is current');
} else {
  await writeFile(DOMAIN_EVENTS_DOC, rendered);
  console.log(`wrote ${path.relative(repoRoot, DOMAIN_EVENTS_DOC)}`);
}
