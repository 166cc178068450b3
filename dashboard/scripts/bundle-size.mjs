#!/usr/bin/env node
// Prints the gzipped size of the JavaScript the first page load needs (the entry chunk and
// the chunks it imports statically, as index.html references them) and fails over budget.
// Routes and charts are lazy chunks and do not count. Budget: ONESTOP_DASHBOARD_JS_BUDGET_KB (300).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const budgetKb = Number(process.env.ONESTOP_DASHBOARD_JS_BUDGET_KB ?? 300);
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const initial = new Set();
for (const m of html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/?([^"]+\.js)"/g))
  initial.add(m[1]);
// Static imports of the entry chunks are fetched before the app runs: follow them.
const queue = [...initial];
while (queue.length) {
  const file = queue.shift();
  const code = readFileSync(path.join(dist, file), 'utf8');
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w${}\s,*]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    const dep = path.posix.join(path.posix.dirname(file), m[1]);
    if (!initial.has(dep)) {
      initial.add(dep);
      queue.push(dep);
    }
  }
}
let total = 0;
const rows = [];
for (const file of initial) {
  const gz = gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
  total += gz;
  rows.push(`  ${file}  ${(gz / 1024).toFixed(1)} KB gzipped`);
}
const kb = total / 1024;
process.stdout.write(
  `${rows.join('\n')}\ndashboard: initial JavaScript ${kb.toFixed(1)} KB gzipped (budget ${budgetKb} KB)\n`,
);
if (kb > budgetKb) {
  process.stderr.write(
    `dashboard: the initial JavaScript is over budget by ${(kb - budgetKb).toFixed(1)} KB: lazy-load more (React.lazy routes, charts).\n`,
  );
  process.exit(1);
}
