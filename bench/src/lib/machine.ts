import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';

/** What a figure was measured on: the row of RESULTS.md names it. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews figures. */
  loadAvg1: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAvg1: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

/** One line for RESULTS.md. */
export function machineLine(m: MachineInfo = machineInfo()): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, load ${m.loadAvg1}`;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux; /proc/<pid>/stat counts in these.

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuSeconds: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces: split after the last ')'.
    const close = raw.lastIndexOf(')');
    const comm = raw.slice(raw.indexOf('(') + 1, close);
    const rest = raw.slice(close + 2).split(' ');
    // rest[0] = state (field 3); utime = field 14, stime = field 15.
    const ppid = Number(rest[1]);
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return { pid, ppid, comm, cpuSeconds: (utime + stime) / CLOCK_TICKS };
  } catch {
    return null;
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Every live process, from /proc. Empty where /proc does not exist (CPU figures are then reported as null). */
function allProcesses(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const s = readStat(Number(e));
    if (s) out.push(s);
  }
  return out;
}

/** User + system CPU seconds of one process so far (null when it is gone or there is no /proc). */
export function processCpuSeconds(pid: number): number | null {
  return readStat(pid)?.cpuSeconds ?? null;
}

/** The environment and working directory a process was started with (Linux /proc; null elsewhere). */
export function processEnvironment(pid: number): { env: Record<string, string>; cwd: string } | null {
  try {
    const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const env: Record<string, string> = {};
    for (const entry of raw.split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return { env, cwd: realpathSync(`/proc/${pid}/cwd`) };
  } catch {
    return null;
  }
}

/** CPU seconds of the processes the benchmark started, grouped by role. */
export interface CpuSnapshot {
  /** By role: gateway, work-permit, residence-permit, counter-scheduling, dashboard, postgres, bareProxy, haproxy, other. */
  byRole: Record<string, number>;
  total: number;
  /** The load generator: this process and its load-generator processes (ws-crowd-worker), user + system; not in `total`. */
  loadGenerator: number;
  available: boolean;
  /** Per process: role and CPU seconds (deltas are taken per process, so one that exits never makes a sum negative). */
  byPid?: Map<number, { role: string; cpu: number }>;
}

/** Processes of the load generator itself (bench/src/lib/ws-crowd-worker.ts): counted apart from the stack. */
const LOAD_GENERATOR = 'load-generator';

function roleOf(cmdline: string, comm: string): string {
  if (cmdline.includes('ws-crowd-worker')) return LOAD_GENERATOR;
  if (/gateway\/dist\/main\.js/.test(cmdline)) return 'gateway';
  if (cmdline.includes('serve-dashboard.js')) return 'dashboard';
  // The reference hops of `gateway-overhead --floor` (reference-hops.ts).
  if (cmdline.includes('bare-proxy.js')) return 'bareProxy';
  if (comm === 'haproxy') return 'haproxy';
  for (const s of ['work-permit', 'residence-permit', 'counter-scheduling']) {
    if (cmdline.includes(`services/${s}/dist/main.js`)) return s;
  }
  if (comm.startsWith('postgres') || cmdline.includes('postgres')) return 'postgres';
  return 'other';
}

/**
 * Process CPU of every descendant of this process (the stack's children and the embedded
 * PostgreSQL with its backends), by role, from /proc/<pid>/stat.
 */
export function cpuSnapshot(): CpuSnapshot {
  const procs = allProcesses();
  const self = process.cpuUsage();
  const loadGenerator = (self.user + self.system) / 1e6;
  if (procs.length === 0) return { byRole: {}, total: 0, loadGenerator, available: false };
  const children = new Map<number, ProcStat[]>();
  for (const p of procs) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const byPid = new Map<number, { role: string; cpu: number }>();
  const visit = (pid: number, inherited: string | null): void => {
    for (const c of children.get(pid) ?? []) {
      const role = inherited ?? roleOf(readCmdline(c.pid), c.comm);
      byPid.set(c.pid, { role, cpu: c.cpuSeconds });
      visit(c.pid, role === 'other' ? null : role);
    }
  };
  visit(process.pid, null);
  const byRole: Record<string, number> = {};
  let total = 0;
  let generators = 0;
  for (const { role, cpu } of byPid.values()) {
    if (role === LOAD_GENERATOR) {
      generators += cpu;
      continue;
    }
    byRole[role] = (byRole[role] ?? 0) + cpu;
    total += cpu;
  }
  return { byRole, total, loadGenerator: loadGenerator + generators, available: true, byPid };
}

/** after − before, per role, in seconds (3 decimals): per process, for processes alive at the end. */
export function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  const byRole: Record<string, number> = {};
  let total = 0;
  // This process's own share of `loadGenerator`, then its load-generator processes' per process.
  const own = (s: CpuSnapshot): number =>
    s.loadGenerator - [...(s.byPid?.values() ?? [])].reduce((t, p) => t + (p.role === LOAD_GENERATOR ? p.cpu : 0), 0);
  let loadGenerator = own(after) - own(before);
  for (const [pid, a] of after.byPid ?? new Map<number, { role: string; cpu: number }>()) {
    const d = Math.max(0, a.cpu - (before.byPid?.get(pid)?.cpu ?? 0));
    if (a.role === LOAD_GENERATOR) {
      loadGenerator += d;
      continue;
    }
    byRole[a.role] = (byRole[a.role] ?? 0) + d;
    total += d;
  }
  const r3 = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    byRole: Object.fromEntries(Object.entries(byRole).map(([k, v]) => [k, r3(v)])),
    total: r3(total),
    loadGenerator: r3(loadGenerator),
    available: before.available && after.available,
  };
}
