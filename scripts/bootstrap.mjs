#!/usr/bin/env node
// `npm start` / `npm test` (and `pnpm start` / `pnpm test`): makes this checkout run on Node 24
// with the pnpm in package.json's `packageManager`, whatever Node the machine has, then runs the
// command on Node 24. On a machine with another Node (e.g. 20) it installs Node 24 from the npm
// registry (the `node` package ships the binary) into `.tools/node24`, and pnpm into
// `.tools/pnpm` when the machine has none or another version; then `pnpm install` when the
// lockfile changed since the last install. Plain JavaScript that runs on Node 18 and later:
// it is the one file that runs before Node 24 is there.
//
//   node scripts/bootstrap.mjs start         build, then the launcher (scripts/dist/start.js)
//   node scripts/bootstrap.mjs test [args]   the test runner (scripts/test.mjs)
//   node scripts/bootstrap.mjs env           print the PATH entries it puts first, and exit
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE_MAJOR = 24;
const tools = path.join(root, '.tools');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const pnpmVersion = String(pkg.packageManager).replace(/^pnpm@/, '');

const say = (line) => process.stderr.write(`bootstrap: ${line}\n`);
function fail(line) {
  say(line);
  process.exit(1);
}

/** Runs a command to completion with inherited output (stdout to stderr with `quiet`); exits on failure. */
function must(cmd, args, env = process.env, quiet = false) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: quiet ? ['ignore', 2, 2] : 'inherit', env });
  if (r.error) fail(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.status ?? r.signal}).`);
}

/** The version a binary prints, or undefined when it does not run. */
function versionOf(cmd, env = process.env) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', env });
  return r.status === 0 ? r.stdout.trim().replace(/^v/, '') : undefined;
}

function npmInstall(prefix, spec) {
  say(`installing ${spec} from the npm registry into ${path.relative(root, prefix)}/ (once)…`);
  // Its output goes to stderr: `bootstrap.mjs env` prints only the PATH entries on stdout.
  must('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', spec], process.env, true);
}

/** Node 24: this one, or the one in .tools/node24, installed there on first use. */
function node24() {
  if (Number(process.versions.node.split('.')[0]) === NODE_MAJOR) return process.execPath;
  const local = path.join(tools, 'node24', 'node_modules', '.bin', 'node');
  if (!versionOf(local)?.startsWith(`${NODE_MAJOR}.`)) {
    say(`this machine runs Node ${process.versions.node}; OneStop runs on Node ${NODE_MAJOR} LTS.`);
    npmInstall(path.join(tools, 'node24'), `node@${NODE_MAJOR}`);
    if (!versionOf(local)?.startsWith(`${NODE_MAJOR}.`))
      fail(`${local} is not Node ${NODE_MAJOR} after installing it.`);
  }
  return local;
}

/** The directory of a pnpm of the pinned version: the machine's own, or .tools/pnpm. */
function pnpmBin(env) {
  if (versionOf('pnpm', env) === pnpmVersion) return undefined; // already on PATH
  const dir = path.join(tools, 'pnpm', 'node_modules', '.bin');
  if (versionOf(path.join(dir, 'pnpm'), env) !== pnpmVersion) {
    npmInstall(path.join(tools, 'pnpm'), `pnpm@${pnpmVersion}`);
    if (versionOf(path.join(dir, 'pnpm'), env) !== pnpmVersion) fail(`pnpm ${pnpmVersion} did not install.`);
  }
  return dir;
}

/** `pnpm install` when the lockfile (or Node) changed since the last one; frozen in CI. */
function installDependencies(env) {
  const stamp = path.join(root, 'node_modules', '.onestop-install');
  const want = createHash('sha256')
    .update(readFileSync(path.join(root, 'pnpm-lock.yaml')))
    .update(`node ${NODE_MAJOR}`)
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  must('pnpm', ['install', ...frozen], env);
  writeFileSync(stamp, want);
}

const [command = 'env', ...args] = process.argv.slice(2);
const node = node24();
const first = [path.dirname(node)];
const pathWith = (dirs) => [...dirs, process.env.PATH ?? ''].join(path.delimiter);
const pnpmDir = pnpmBin({ ...process.env, PATH: pathWith(first) });
if (pnpmDir) first.push(pnpmDir);
// Every child (pnpm, its scripts, .bin shims, the launcher's processes) finds Node 24 first.
const env = { ...process.env, PATH: pathWith(first) };
if (command === 'env') {
  process.stdout.write(`${first.join(path.delimiter)}\n`);
  process.exit(0);
}
installDependencies(env);

let child;
if (command === 'start') {
  must('pnpm', ['run', 'build'], env);
  child = spawn(node, [path.join(root, 'scripts', 'dist', 'start.js'), ...args], { cwd: root, stdio: 'inherit', env });
} else if (command === 'test') {
  child = spawn(node, [path.join(root, 'scripts', 'test.mjs'), ...args], { cwd: root, stdio: 'inherit', env });
} else {
  fail(`unknown command ${command}: start, test or env.`);
}
// A Ctrl-C in a terminal reaches the whole foreground group, the child included, which stops
// in its own order: ignore it here (forwarding it would be a second Ctrl-C). A SIGTERM or
// SIGHUP sent to this process alone is passed on. Exit as the child did.
process.on('SIGINT', () => undefined);
for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
