/**
 * The module shape every subgraph follows (issue 17, docs/architecture.md): checks one
 * subgraph's `src/` and lists what breaks the rules. `node scripts/dist/module-shape.js` checks
 * all three and exits 1 on a problem; `scripts/src/module-shape.spec.ts` runs the same check.
 *
 * The rules:
 * - `src/` holds `config.ts`, `context.ts`, `subgraph.ts` and the process files (`main.ts`,
 *   `migrate.ts`, `print-schema.ts`, `index.ts`); `migrations/`; `modules/`; and optionally
 *   `shared/` (leaf code) and `testing/` (test tooling). Nothing else.
 * - An area is a folder of `modules/` that holds code (`modules/<area>/`, or
 *   `modules/<module>/<area>/` where a module groups areas behind a seam).
 * - Nothing under `modules/` or `shared/` imports the wiring (`context.ts`, `subgraph.ts`).
 * - `shared/` imports nothing from `modules/`.
 * - Areas import each other without cycles.
 * - A module with an `index.ts` (its seam) is imported from outside only through that file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

export const SUBGRAPHS = ['work-permit', 'residence-permit', 'counter-scheduling'] as const;

const TOP_FILES = new Set([
  'config.ts',
  'context.ts',
  'subgraph.ts',
  'main.ts',
  'migrate.ts',
  'print-schema.ts',
  'index.ts',
  'config.spec.ts',
]);
const TOP_DIRS = new Set(['modules', 'migrations', 'shared', 'testing']);
const WIRING = new Set(['context.ts', 'subgraph.ts']);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Relative imports of a file, resolved to `.ts` paths under src (specs' imports count too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)) {
    const spec = m[1] ?? m[2]!;
    out.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return out;
}

/**
 * Modules that group areas behind a seam: `modules/<m>/index.ts` exists and some folder of
 * `modules/<m>/` holds a resolver, service or store (a flat area's `dto/` holds none).
 */
function groupingModules(modulesDir: string): Set<string> {
  const out = new Set<string>();
  for (const m of readdirSync(modulesDir)) {
    const dir = path.join(modulesDir, m);
    if (!statSync(dir).isDirectory() || !statSafe(path.join(dir, 'index.ts'))) continue;
    const hasAreas = readdirSync(dir).some(
      (sub) =>
        statSync(path.join(dir, sub)).isDirectory() &&
        readdirSync(path.join(dir, sub)).some((f) => /\.(resolver|service|store)\.ts$/.test(f)),
    );
    if (hasAreas) out.add(m);
  }
  return out;
}

/** The area of a file under modules/: `queue`, or `counter-operations/queue` inside a grouping module. */
function areaOf(modulesDir: string, grouping: Set<string>, file: string): string | null {
  const rel = path.relative(modulesDir, file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(path.sep);
  if (parts.length < 2) return null;
  if (grouping.has(parts[0]!)) return parts.length >= 3 ? `${parts[0]}/${parts[1]}` : parts[0]!;
  return parts[0]!;
}

export function checkModuleShape(subgraph: string, root = repoRoot): string[] {
  const src = path.join(root, 'services', subgraph, 'src');
  const modulesDir = path.join(src, 'modules');
  const problems: string[] = [];
  for (const name of readdirSync(src)) {
    const isDir = statSync(path.join(src, name)).isDirectory();
    if (isDir ? !TOP_DIRS.has(name) : name.endsWith('.ts') && !TOP_FILES.has(name))
      problems.push(`${subgraph}: src/${name} belongs in modules/<area>/ (or shared/)`);
  }
  for (const f of ['config.ts', 'context.ts', 'subgraph.ts'])
    if (!readdirSync(src).includes(f)) problems.push(`${subgraph}: src/${f} is missing`);
  let files: string[] = [];
  try {
    files = walk(modulesDir);
  } catch {
    problems.push(`${subgraph}: src/modules/ is missing`);
    return problems;
  }
  const sharedDir = path.join(src, 'shared');
  const all = [...files, ...(statSafe(sharedDir) ? walk(sharedDir) : [])];
  const edges = new Map<string, Set<string>>();
  const seams = groupingModules(modulesDir);
  for (const file of all) {
    const rel = path.relative(src, file);
    const from = areaOf(modulesDir, seams, file);
    for (const target of importsOf(file)) {
      const targetRel = path.relative(src, target);
      if (WIRING.has(targetRel)) problems.push(`${subgraph}: ${rel} imports the wiring (${targetRel})`);
      if (rel.startsWith(`shared${path.sep}`) && targetRel.startsWith(`modules${path.sep}`))
        problems.push(`${subgraph}: ${rel} (shared) imports ${targetRel}`);
      const to = areaOf(modulesDir, seams, target);
      if (from && to && from !== to) {
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
        const [fromModule] = from.split('/');
        const [toModule] = to.split('/');
        if (
          fromModule !== toModule &&
          seams.has(toModule!) &&
          targetRel !== path.join('modules', toModule!, 'index.ts')
        )
          problems.push(`${subgraph}: ${rel} reaches into ${targetRel} past the seam modules/${toModule}/index.ts`);
      }
    }
  }
  for (const cycle of findCycles(edges)) problems.push(`${subgraph}: areas import each other in a cycle: ${cycle}`);
  return problems;
}

function statSafe(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Each strongly connected group of areas with more than one member, as "a → b → a". */
function findCycles(edges: Map<string, Set<string>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[] = [];
  let i = 0;
  const visit = (v: string): void => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push([...group.sort(), group[0]].join(' → '));
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = SUBGRAPHS.flatMap((s) => checkModuleShape(s));
  for (const p of problems) console.log(p);
  console.log(problems.length ? `${problems.length} problems` : 'every subgraph follows the module shape');
  process.exitCode = problems.length ? 1 : 0;
}
