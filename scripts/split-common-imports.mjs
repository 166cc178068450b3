#!/usr/bin/env node
// One-off codemod of issue 17 (services/common split by purpose): rewrites every
// `import … from '@onestop/common'` so that each name comes from the entry point that exports
// it: `@onestop/common` (platform runtime), `@onestop/common/contract` (vocabulary and event
// catalogue) or `@onestop/common/testing` (test and demo tooling). The entry points' export
// lists are read from services/common/src/contract.ts and services/common/src/testing/index.ts.
// Run it on a branch written before the split, then `prettier --write` the files it lists:
//   node scripts/split-common-imports.mjs [paths…]   (default: services gateway scripts test bench)
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function exportedNames(file) {
  const src = await readFile(path.join(repo, file), 'utf8');
  const names = new Set();
  for (const m of src.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const spec of m[1].split(',')) {
      const name = spec
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.add(name);
    }
  }
  return names;
}

const entries = [
  ['@onestop/common/testing', await exportedNames('services/common/src/testing/index.ts')],
  ['@onestop/common/contract', await exportedNames('services/common/src/contract.ts')],
];
const entryOf = (name) => entries.find(([, names]) => names.has(name))?.[0] ?? '@onestop/common';

async function* files(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) yield p;
  }
}

const IMPORT = /(import|export)(\s+type)?\s*\{([^}]*)\}\s*from\s*'@onestop\/common';?/g;

function rewrite(src) {
  return src.replace(IMPORT, (all, keyword, typeOnly, list) => {
    const groups = new Map();
    for (const raw of list.split(',')) {
      const spec = raw.trim();
      if (!spec) continue;
      const name = spec
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        .trim();
      const entry = entryOf(name);
      if (!groups.has(entry)) groups.set(entry, []);
      groups.get(entry).push(spec);
    }
    if (groups.size === 1 && groups.has('@onestop/common')) return all;
    const order = ['@onestop/common', '@onestop/common/contract', '@onestop/common/testing'];
    return order
      .filter((entry) => groups.has(entry))
      .map((entry) => `${keyword}${typeOnly ?? ''} { ${groups.get(entry).join(', ')} } from '${entry}';`)
      .join('\n');
  });
}

const roots = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['services', 'gateway', 'scripts', 'test', 'bench'];
const changed = [];
for (const root of roots) {
  for await (const file of files(path.resolve(repo, root))) {
    if (file.includes(`${path.sep}services${path.sep}common${path.sep}`)) continue;
    const src = await readFile(file, 'utf8');
    const out = rewrite(src);
    if (out !== src) {
      await writeFile(file, out);
      changed.push(path.relative(repo, file));
    }
  }
}
process.stdout.write(changed.map((f) => `${f}\n`).join(''));
