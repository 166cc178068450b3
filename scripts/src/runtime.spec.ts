import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths.js';

/** `pnpm test` runs on the Node the workspace declares (the bootstrap installs it where the machine has another). */
describe('runtime', () => {
  it('runs on Node 24 LTS, as package.json engines say', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toMatch(/^>=24\.\d+\.\d+ <25$/);
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
