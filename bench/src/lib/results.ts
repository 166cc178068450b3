import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, machineLine, type MachineInfo } from './machine.js';

/** bench/RESULTS.md (from bench/dist/lib or bench/src/lib). */
export const DEFAULT_RESULTS_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'RESULTS.md',
);

/** Where a target stands: met, missed, or not measurable in this run (with why). */
export interface TargetCheck {
  target: string;
  actual: string;
  status: 'met' | 'missed' | 'n/a';
}

/** What one scenario reports: the JSON line it prints and the row it appends. */
export interface ScenarioReport {
  scenario: string;
  command: string;
  /** The measured figures, flat or nested; rendered compactly in the row. */
  figures: Record<string, unknown>;
  targets: TargetCheck[];
  /** Caveats a reader must know (e.g. measured against the subgraph directly). */
  notes: string[];
}

/** A finished report with its date and machine. */
export interface ResultRow extends ScenarioReport {
  date: string;
  machine: MachineInfo;
}

const INTRO = `# Benchmark results

Written by \`pnpm bench\` (see [README.md](README.md) for what each scenario measures and how to
run one alone). Figures are from a 2-core machine shared by the load generator and the whole
stack (gateway, three subgraphs, PostgreSQL), so absolute numbers are modest and noisy; the
ratios and the targets are what to watch. Latencies in ms.

`;

const SUMMARY_HEADING = '## Latest figure per target';
const RAW_HEADING = '## Every run';

const RAW_TABLE_HEAD = `| date (UTC) | scenario | command | machine | figures | targets | notes |
| --- | --- | --- | --- | --- | --- | --- |
`;

/** One target as it stood in one raw row. */
export interface TargetStanding {
  target: string;
  status: 'MET' | 'MISSED' | 'N/A';
  actual: string;
  date: string;
  scenario: string;
  command: string;
  /** The machine's load average when it ran (figures measured on a busy machine are noisy). */
  load: string;
}

function splitRow(line: string): string[] {
  // Cells are separated by " | "; a literal pipe inside a cell is escaped as "\|".
  return line
    .replace(/^\|\s?/, '')
    .replace(/\s?\|\s*$/, '')
    .split(/ (?<!\\)\| /);
}

/** The targets of every raw row, oldest first (rows are appended in time order). */
export function standingsOf(rawRows: string[]): TargetStanding[] {
  const out: TargetStanding[] = [];
  for (const line of rawRows) {
    const cells = splitRow(line);
    if (cells.length < 7) continue;
    const [date, scenario, command, machine, , targets] = cells;
    const load = /load ([\d.]+)/.exec(machine)?.[1] ?? '—';
    for (const part of targets.split(/; (?=(?:MET|MISSED|N\/A): )/)) {
      const m = /^(MET|MISSED|N\/A): (.*) \(([^()]*)\)$/.exec(part.trim());
      if (!m) continue;
      out.push({ status: m[1] as TargetStanding['status'], target: m[2], actual: m[3], date, scenario, command, load });
    }
  }
  return out;
}

/**
 * Targets replaced by stricter ones (issue 9's gateway targets by issue 19's, measured as the
 * median of alternating rounds): their rows stay below, the summary shows only the new ones.
 */
const RETIRED_TARGETS = new Set([
  'gateway p50 ≤ 1.3× direct at 1 connection',
  'gateway throughput ≥ 0.5× direct at 50 connections',
]);

/** The summary table: the latest measured standing of each target (n/a only if never measured). */
export function renderSummary(rawRows: string[]): string {
  const latest = new Map<string, TargetStanding>();
  for (const s of standingsOf(rawRows)) {
    if (RETIRED_TARGETS.has(s.target)) continue;
    const prev = latest.get(s.target);
    if (s.status === 'N/A' && prev && prev.status !== 'N/A') continue;
    latest.set(s.target, s);
  }
  const lines = [
    '| target | latest figure | status | date (UTC) | load | command |',
    '| --- | --- | --- | --- | --- | --- |',
    ...[...latest.values()].map(
      (s) =>
        `| ${s.target} | ${s.actual} | ${s.status === 'MET' ? 'met' : s.status === 'MISSED' ? '**missed**' : 'n/a'} | ${s.date} | ${s.load} | ${s.command} |`,
    ),
  ];
  return `${SUMMARY_HEADING}

Rebuilt from the rows below each time a benchmark runs: the newest measured figure of each
target, with the machine's load average then (2 cores: a load well above 2 means the figures
are noisy, ratios included). Rows without targets (the event log alone, the dashboard render
rate) are only below.

${lines.join('\n')}

`;
}

/** The raw rows of a RESULTS.md (every table row that starts with a date). */
export function rawRowsOf(text: string): string[] {
  return text.split('\n').filter((l) => /^\| \d{4}-\d{2}-\d{2} /.test(l));
}

/** The whole file for a list of raw rows: intro, summary, then every run. */
export function renderResults(rawRows: string[]): string {
  return `${INTRO}${renderSummary(rawRows)}${RAW_HEADING}

Each run appends one row per scenario; older rows stay for comparison.

${RAW_TABLE_HEAD}${rawRows.map((r) => `${r}\n`).join('')}`;
}

/** Compact `key=value` rendering of nested figures for one table cell. */
export function renderFigures(figures: Record<string, unknown>, prefix = ''): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(figures)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      parts.push(renderFigures(v as Record<string, unknown>, key));
    else parts.push(`${key}=${Array.isArray(v) ? v.join('/') : String(v)}`);
  }
  return parts.filter(Boolean).join(', ');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The Markdown row for a report. */
export function renderRow(r: ResultRow): string {
  const targets = r.targets
    .map((t) => `${t.status === 'met' ? 'MET' : t.status === 'missed' ? 'MISSED' : 'N/A'}: ${t.target} (${t.actual})`)
    .join('; ');
  return `| ${[
    r.date,
    r.scenario,
    `\`${r.command}\``,
    machineLine(r.machine),
    renderFigures(r.figures),
    targets || '—',
    r.notes.join('; ') || '—',
  ]
    .map(cell)
    .join(' | ')} |\n`;
}

/**
 * Prints the report as one JSON line and appends its row to RESULTS.md (or to
 * BENCH_RESULTS_FILE, which the smoke tests point at a temporary file).
 */
export async function publish(
  report: ScenarioReport,
  file = process.env.BENCH_RESULTS_FILE ?? DEFAULT_RESULTS_FILE,
): Promise<ResultRow> {
  const row: ResultRow = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' '),
    machine: machineInfo(),
    ...report,
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
  await mkdir(path.dirname(file), { recursive: true });
  const rows = existsSync(file) ? rawRowsOf(await readFile(file, 'utf8')) : [];
  rows.push(renderRow(row).trimEnd());
  await writeFile(file, renderResults(rows));
  return row;
}

/** A target check from a measured value against a limit (smaller is better unless `atLeast`). */
export function check(
  target: string,
  value: number | null | undefined,
  limit: number,
  unit = '',
  atLeast = false,
): TargetCheck {
  if (value === null || value === undefined || !Number.isFinite(value))
    return { target, actual: 'not measured', status: 'n/a' };
  const ok = atLeast ? value >= limit : value <= limit;
  return { target, actual: `${value}${unit}`, status: ok ? 'met' : 'missed' };
}
