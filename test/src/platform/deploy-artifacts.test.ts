/**
 * The container artifacts, checked offline (no container engine, no kubectl, no helm here):
 * the Dockerfile is linted with dockerfilelint and read for its targets, base image, user and
 * health checks; compose.yaml is parsed and held to the same images, entry points and variables;
 * the Kubernetes overlays are rendered by the small Kustomize subset below and every object is
 * validated against the Kubernetes schemas (kubernetes-models), then read for probes, replicas,
 * PodDisruptionBudgets, Services, the migration job and secrets that come from the environment;
 * identity (OIDC_*, the optional embedded provider) and attachments (work-permit's public file port,
 * shared storage) as decision 0014 places them. No JWT_* variable survives anywhere in these files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { repoRoot } from '@onestop/scripts';
import dockerfilelint from 'dockerfilelint';

const read = (rel: string): string => readFileSync(path.join(repoRoot, rel), 'utf8');

/** Each deployable: its Dockerfile target, entry point (as the launcher starts it), port variable and port. */
const DEPLOYABLES = {
  gateway: { entry: 'gateway/dist/main.js', portVar: 'GATEWAY_PORT', port: 4000 },
  'work-permit': { entry: 'services/work-permit/dist/main.js', portVar: 'WORK_PERMIT_PORT', port: 4001 },
  'residence-permit': { entry: 'services/residence-permit/dist/main.js', portVar: 'RESIDENCE_PERMIT_PORT', port: 4002 },
  'counter-scheduling': {
    entry: 'services/counter-scheduling/dist/main.js',
    portVar: 'COUNTER_SCHEDULING_PORT',
    port: 4003,
  },
  dashboard: { entry: 'scripts/dist/serve-dashboard.js', portVar: 'DASHBOARD_PORT', port: 5173 },
  // The embedded OpenID Connect provider: in compose and the Kubernetes component, not in production's overlay.
  identity: { entry: 'services/identity/dist/main.js', portVar: 'IDENTITY_PORT', port: 4004 },
} as const;
type Deployable = keyof typeof DEPLOYABLES;
const DEPLOYABLE_NAMES = Object.keys(DEPLOYABLES) as Deployable[];
/** What every environment runs (identity is optional: decision 0014). */
const SERVICES = DEPLOYABLE_NAMES.filter((n) => n !== 'identity');
const SUBGRAPHS = ['work-permit', 'residence-permit', 'counter-scheduling'] as const;
/** work-permit's attachment file endpoint: a second, public port (decision 0012). */
const FILES_PORT = 4005;
const SECRETS = [
  'DATABASE_URL',
  'SUBGRAPH_SECRET_WORK_PERMIT',
  'SUBGRAPH_SECRET_RESIDENCE_PERMIT',
  'SUBGRAPH_SECRET_COUNTER_SCHEDULING',
  'IDENTITY_ADMIN_SECRET',
  'ATTACHMENTS_URL_SECRET',
];
/** Secrets a deployment may leave out (S3 credentials can come from the SDK's chain instead). */
const OPTIONAL_SECRETS = ['ATTACHMENTS_S3_ACCESS_KEY_ID', 'ATTACHMENTS_S3_SECRET_ACCESS_KEY'];
/** Which processes may hold a secret beyond DATABASE_URL and the subgraph signing secrets. */
const SECRET_HOLDERS: Record<string, string[]> = {
  IDENTITY_ADMIN_SECRET: ['work-permit', 'identity'],
  ATTACHMENTS_URL_SECRET: ['work-permit'],
  ATTACHMENTS_S3_ACCESS_KEY_ID: ['work-permit'],
  ATTACHMENTS_S3_SECRET_ACCESS_KEY: ['work-permit'],
};

/** Every variable .env.example names (set or commented out). */
function documentedVariables(): Set<string> {
  const out = new Set<string>();
  for (const m of read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)) out.add(m[1]!);
  return out;
}

interface Stage {
  name: string;
  from: string;
  lines: { instruction: string; args: string }[];
}

/** The Dockerfile as stages of instructions (continuation lines joined, comments dropped). */
function dockerfileStages(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (!line || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = pending + line;
    pending = '';
    const [, instruction, args] = /^(\S+)\s+(.*)$/.exec(full)!;
    if (instruction!.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args!)!;
      stages.push({ name: m[2] ?? '', from: m[1]!, lines: [] });
    } else stages.at(-1)?.lines.push({ instruction: instruction!.toUpperCase(), args: args! });
  }
  return stages;
}

/** The instruction's value in a stage or the stages it builds on. */
function inherited(stages: Stage[], stage: Stage, instruction: string): string[] {
  const parent = stages.find((s) => s.name === stage.from);
  const own = stage.lines.filter((l) => l.instruction === instruction).map((l) => l.args);
  return [...(parent ? inherited(stages, parent, instruction) : []), ...own];
}

function envOf(stages: Stage[], stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of inherited(stages, stage, 'ENV'))
    for (const m of args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!;
  return env;
}

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
};

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'components',
  'namespace',
  'replicas',
  'images',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);

/**
 * Renders a kustomization the way `kubectl kustomize` does, for the fields this repository uses
 * (and refuses any other, so a new field cannot pass unchecked): resources (files and
 * directories), namespace, replicas, images, configMapGenerator (merge), secretGenerator from an
 * env file (its committed `.example`, as the deploy step writes the real one from the environment),
 * and components (kind Component: their resources and generators join the accumulated objects after
 * the resources and before the kustomization's own generators, as in kustomize).
 */
function kustomize(dir: string, accumulated: K8sObject[] = [], asComponent = false): K8sObject[] {
  const k = parseYaml(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  for (const key of Object.keys(k)) if (!KUSTOMIZATION_FIELDS.has(key)) throw new Error(`${dir}: unsupported ${key}`);
  expect(k.kind, dir).toBe(asComponent ? 'Component' : 'Kustomization');
  // Without name hashes the Secret and ConfigMap keep their names, so no reference needs rewriting.
  const generatorOptions = (k.generatorOptions as Record<string, unknown> | undefined) ?? {
    disableNameSuffixHash: true,
  };
  expect(generatorOptions).toEqual({ disableNameSuffixHash: true });
  const objects = accumulated;
  for (const r of (k.resources as string[]) ?? []) {
    const p = path.join(dir, r);
    if (statSync(p).isDirectory()) objects.push(...kustomize(p));
    else
      for (const doc of parseAllDocuments(readFileSync(p, 'utf8'))) {
        if (doc.errors.length) throw new Error(`${p}: ${doc.errors[0]!.message}`);
        objects.push(doc.toJS() as K8sObject);
      }
  }
  for (const c of (k.components as string[]) ?? []) kustomize(path.join(dir, c), objects, true);
  for (const g of (k.configMapGenerator as { name: string; behavior?: string; literals: string[] }[]) ?? []) {
    const data = Object.fromEntries(g.literals.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const existing = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === g.name) as
      (K8sObject & { data: Record<string, string> }) | undefined;
    if (g.behavior === 'merge') {
      expect(existing, `configMap ${g.name} to merge into`).toBeDefined();
      Object.assign(existing!.data, data);
    } else objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data });
  }
  for (const g of (k.secretGenerator as { name: string; envs: string[] }[]) ?? []) {
    const stringData: Record<string, string> = {};
    for (const env of g.envs) {
      // secrets.env is written at deploy time and never committed; the example names the same keys.
      expect(existsSync(path.join(dir, env)), `${env} must not be committed`).toBe(false);
      for (const m of readFileSync(path.join(dir, `${env}.example`), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm))
        stringData[m[1]!] = m[2]!;
    }
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: g.name }, type: 'Opaque', stringData });
  }
  if (k.namespace) for (const o of objects) o.metadata.namespace = k.namespace as string;
  for (const r of (k.replicas as { name: string; count: number }[]) ?? []) {
    const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === r.name);
    expect(d, `replicas for ${r.name}`).toBeDefined();
    (d!.spec as { replicas: number }).replicas = r.count;
  }
  for (const img of (k.images as { name: string; newName?: string; newTag?: string }[]) ?? []) {
    let used = false;
    for (const c of containers(objects)) {
      const [name, tag] = c.image.split(':') as [string, string];
      if (name !== img.name) continue;
      used = true;
      c.image = `${img.newName ?? name}:${img.newTag ?? tag}`;
    }
    expect(used, `image ${img.name} is used`).toBe(true);
  }
  return objects;
}

interface Container {
  name: string;
  image: string;
  ports?: { name: string; containerPort: number }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
  }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  securityContext?: Record<string, unknown>;
}

function podSpec(o: K8sObject): { containers: Container[]; securityContext?: Record<string, unknown> } {
  return (o.spec as { template: { spec: { containers: Container[] } } }).template.spec;
}

function containers(objects: K8sObject[]): Container[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').flatMap((o) => podSpec(o).containers);
}

const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  Deployment,
  Service,
  PodDisruptionBudget,
  Job,
  ConfigMap,
  Secret,
  NetworkPolicy,
};

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const stages = dockerfileStages(text);

  it('passes dockerfilelint (stage references aside, which dockerfilelint 1.8 reads as untagged images)', () => {
    const stageNames = new Set(stages.map((s) => s.name));
    const lines = text.split('\n');
    const items = (
      dockerfilelint.run(repoRoot, text) as { rule: string; line: number; title: string; description: string }[]
    ).filter((i) => {
      const from = /^FROM\s+(\S+)/i.exec(lines[i.line - 1] ?? '');
      return !(i.rule === 'missing_tag' && from && stageNames.has(from[1]!));
    });
    expect(items).toEqual([]);
    // The filter must not hide a real base image without a tag.
    const bad = dockerfilelint.run(repoRoot, 'FROM node\nCMD ["node"]\n') as { rule: string }[];
    expect(bad.map((i) => i.rule)).toContain('missing_tag');
  });

  it('builds every deployable on Node 24, as a non-root user, with a health check on /health', () => {
    const bases = stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from);
    expect(bases.length).toBeGreaterThan(0);
    for (const b of bases) expect(b).toMatch(/^node:24-[a-z0-9.-]+$/);
    for (const name of [...DEPLOYABLE_NAMES, 'migrate']) {
      const stage = stages.find((s) => s.name === name);
      expect(stage, `target ${name}`).toBeDefined();
      const users = inherited(stages, stage!, 'USER');
      expect(users.at(-1), name).toBe('node');
      const cmd = JSON.parse(inherited(stages, stage!, 'CMD').at(-1)!) as string[];
      const entry = name === 'migrate' ? 'scripts/dist/migrate.js' : DEPLOYABLES[name as Deployable].entry;
      expect(cmd, name).toEqual(['node', '--enable-source-maps', entry]);
      // The entry point is the one the launcher starts (scripts/src/stack.ts: `entry`), built by tsc.
      expect(existsSync(path.join(repoRoot, entry)), entry).toBe(true);
      const health = inherited(stages, stage!, 'HEALTHCHECK').at(-1)!;
      if (name === 'migrate') {
        expect(health).toBe('NONE');
        continue;
      }
      const { portVar, port } = DEPLOYABLES[name as Deployable];
      expect(health).toContain(`CMD ["node", "deploy/healthcheck.mjs", "${portVar}", "${port}"]`);
      expect(envOf(stages, stage!)[portVar], name).toBe(String(port));
      expect(
        inherited(stages, stage!, 'EXPOSE').flatMap((e) => e.split(/\s+/)),
        name,
      ).toContain(String(port));
    }
    const runtimeEnv = envOf(
      stages,
      stages.find((s) => s.name === 'gateway')!,
    );
    expect(runtimeEnv).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', ONESTOP_MIGRATIONS: 'verify' });
    for (const v of Object.keys(runtimeEnv)) expect(documentedVariables(), v).toContain(v);
    // work-permit's file endpoint is a port of the image, set explicitly (not left to the code's default).
    const wp = stages.find((s) => s.name === 'work-permit')!;
    expect(envOf(stages, wp).WORK_PERMIT_FILES_PORT).toBe(String(FILES_PORT));
    expect(inherited(stages, wp, 'EXPOSE').flatMap((e) => e.split(/\s+/))).toContain(String(FILES_PORT));
    for (const v of Object.keys(envOf(stages, wp))) expect(documentedVariables(), v).toContain(v);
  });

  it('its health check script exits 0 on a 2xx and 1 otherwise', async () => {
    let status = 200;
    const server = createServer((req, res) => res.writeHead(req.url === '/health' ? status : 404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as { port: number }).port);
    const run = (): Promise<number | null> =>
      new Promise((resolve) => {
        // Asynchronous: the server answers from this process's event loop.
        spawn(process.execPath, ['deploy/healthcheck.mjs', 'TEST_PORT', '1'], {
          cwd: repoRoot,
          env: { ...process.env, TEST_PORT: port },
        }).on('exit', resolve);
      });
    try {
      expect(await run()).toBe(0);
      status = 503;
      expect(await run()).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(read('compose.yaml'), { merge: true }) as {
    services: Record<
      string,
      {
        image: string;
        build?: { context: string; target: string };
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        restart?: string;
        ports?: string[];
        user?: string;
      }
    >;
  };
  const dockerfileTargets = new Set(dockerfileStages(read('Dockerfile')).map((s) => s.name));

  it('runs every deployable from the Dockerfile’s targets, after the migration job, with PostgreSQL included', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:18/);
    for (const name of [...DEPLOYABLE_NAMES, 'migrate']) {
      const s = compose.services[name];
      expect(s, name).toBeDefined();
      expect(s!.build?.target, name).toBe(name);
      expect(dockerfileTargets, name).toContain(name);
      expect(s!.image, name).toBe(`\${ONESTOP_REGISTRY:-onestop}/${name}:\${ONESTOP_VERSION:-0.1.0}`);
      if (name !== 'migrate') expect(s!.restart, name).toBe('unless-stopped');
    }
    expect(compose.services.migrate!.restart).toBe('no');
    expect(compose.services.migrate!.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const sg of SUBGRAPHS) {
      expect(compose.services[sg]!.depends_on?.migrate?.condition, sg).toBe('service_completed_successfully');
      expect(compose.services.gateway!.depends_on?.[sg]?.condition).toBe('service_healthy');
    }
    // Published: what clients reach (the gateway, the dashboard, the provider's sign-in, work-permit's file
    // endpoint but not its GraphQL port); metrics stay inside the network.
    const published = Object.entries(compose.services).filter(([, s]) => s.ports?.length);
    expect(published.map(([n]) => n).sort()).toEqual(['dashboard', 'gateway', 'identity', 'work-permit']);
    for (const [name, s] of published) {
      const port = name === 'work-permit' ? FILES_PORT : DEPLOYABLES[name as Deployable].port;
      expect(s.ports, name).toEqual([
        expect.stringMatching(new RegExp(`^\\$\\{[A-Z_]+:-127\\.0\\.0\\.1:${port}\\}:${port}$`)),
      ]);
    }
    // The identity provider migrates its own schema; it needs only the database.
    expect(compose.services.identity!.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('carries identity: the embedded provider is the default issuer, keys fetched inside the network', () => {
    const env = (name: string) => compose.services[name]!.environment!;
    for (const name of [...DEPLOYABLE_NAMES, 'migrate']) {
      expect(env(name).OIDC_ISSUER, name).toBe('${OIDC_ISSUER:-http://127.0.0.1:4004}');
      expect(env(name).OIDC_JWKS_URL, name).toBe('${OIDC_JWKS_URL-http://identity:4004/jwks}');
    }
    // The provider names itself with the issuer the others trust, and runs in production mode unless asked.
    expect(env('identity').IDENTITY_ISSUER).toBe(env('gateway').OIDC_ISSUER);
    expect(env('identity').NODE_ENV).toBe('${IDENTITY_NODE_ENV:-production}');
    expect(env('work-permit').IDENTITY_ADMIN_URL).toBe(`http://identity:${DEPLOYABLES.identity.port}`);
  });

  it('carries attachments: the public file URL, the frame ancestors and a store that survives the container', () => {
    const wp = compose.services['work-permit'] as unknown as { environment: Record<string, string>; volumes: string[] };
    expect(wp.environment.ATTACHMENTS_PUBLIC_URL).toBe(`\${ATTACHMENTS_PUBLIC_URL:-http://127.0.0.1:${FILES_PORT}}`);
    expect(wp.environment.ATTACHMENTS_FRAME_ANCESTORS).toContain('127.0.0.1:5173');
    expect(wp.environment.ATTACHMENTS_STORAGE).toBe('${ATTACHMENTS_STORAGE:-filesystem}');
    // The filesystem store is a named volume at the image's ATTACHMENTS_DIR (the root file system is read-only).
    const stages = dockerfileStages(read('Dockerfile'));
    const dir = envOf(
      stages,
      stages.find((s) => s.name === 'work-permit')!,
    ).ATTACHMENTS_DIR;
    expect(dir).toBeDefined();
    expect(wp.volumes).toContain(`attachments:${dir}`);
    expect(read('Dockerfile')).toContain(`chown node:node ${dir}`);
  });

  it('takes every secret from the environment, gives each subgraph only its own signing secret, and sets only documented variables', () => {
    const documented = documentedVariables();
    for (const name of [...DEPLOYABLE_NAMES, 'migrate']) {
      const env = compose.services[name]!.environment!;
      for (const [key, value] of Object.entries(env)) {
        expect(documented, `${name}: ${key} in .env.example`).toContain(key);
        if (SECRETS.includes(key) || key === 'POSTGRES_PASSWORD')
          expect(String(value), `${name}: ${key}`).toMatch(/\$\{[A-Z_]+:\?[^}]+\}/);
        if (OPTIONAL_SECRETS.includes(key)) expect(String(value), `${name}: ${key}`).toBe(`\${${key}:-}`);
        if (SECRET_HOLDERS[key]) expect(SECRET_HOLDERS[key], `${name} holds ${key}`).toContain(name);
      }
      expect(env.NODE_ENV).toBe(name === 'identity' ? '${IDENTITY_NODE_ENV:-production}' : 'production');
      const signing = Object.keys(env).filter((k) => k.startsWith('SUBGRAPH_SECRET_'));
      if (name === 'gateway') expect(signing.sort()).toEqual(SECRETS.filter((s) => s.startsWith('SUBGRAPH_')).sort());
      else if ((SUBGRAPHS as readonly string[]).includes(name))
        expect(signing).toEqual([`SUBGRAPH_SECRET_${name.toUpperCase().replace(/-/g, '_')}`]);
      else expect(signing).toEqual([]);
    }
    expect(compose.services.postgres!.environment!.POSTGRES_PASSWORD).toBe(
      '${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}',
    );
  });

  it('archives WAL for point-in-time recovery', () => {
    const pg = compose.services.postgres as unknown as { command: string[]; volumes: string[] };
    const settings = pg.command.filter((_, i) => pg.command[i - 1] === '-c');
    expect(settings).toEqual(
      expect.arrayContaining([
        'wal_level=replica',
        'archive_mode=on',
        expect.stringMatching(/^archive_command=.*%p.*%f/),
      ]),
    );
    expect(pg.volumes).toContain('pg-wal-archive:/wal-archive');
  });
});

describe('Kubernetes manifests (Kustomize base and overlays)', () => {
  const overlays = readdirSync(path.join(repoRoot, 'deploy/k8s/overlays'));

  it('names no JWT_* variable anywhere in the deployment files (identity is OIDC_*: decision 0009)', () => {
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)],
      );
    const files = [
      'Dockerfile',
      'compose.yaml',
      'docs/deploy.md',
      ...walk(path.join(repoRoot, 'deploy')).map((f) => path.relative(repoRoot, f)),
    ];
    for (const f of files) expect(read(f), f).not.toMatch(/\bJWT_[A-Z]/);
  });

  it('has no Secret with data in the repository', () => {
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)],
      );
    for (const f of walk(path.join(repoRoot, 'deploy/k8s')).filter((f) => f.endsWith('.yaml')))
      expect(readFileSync(f, 'utf8'), f).not.toMatch(/^kind:\s*Secret/m);
  });

  it.each(overlays)('%s: every object is valid against the Kubernetes schemas', (overlay) => {
    const objects = kustomize(path.join(repoRoot, 'deploy/k8s/overlays', overlay));
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) {
      const Model = MODELS[o.kind];
      expect(Model, `a model for ${o.kind}`).toBeDefined();
      expect(() => new Model!(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(
        overlay === 'production' ? 'onestop' : `onestop-${overlay}`,
      );
    }
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size, 'no duplicates').toBe(names.length);
  });

  it.each(overlays)(
    '%s: each deployable has replicas, probes on /ready and /health, a Service and a PodDisruptionBudget; the migration job runs the migrate image',
    (overlay) => {
      const objects = kustomize(path.join(repoRoot, 'deploy/k8s/overlays', overlay));
      const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
      const config = find('ConfigMap', 'onestop-config') as unknown as { data: Record<string, string> };
      const secret = find('Secret', 'onestop-secrets') as unknown as { stringData: Record<string, string> };
      expect(Object.keys(secret.stringData).sort()).toEqual([...SECRETS, ...OPTIONAL_SECRETS].sort());
      for (const v of Object.values(secret.stringData)) expect(v).toMatch(/^\$\{[A-Z0-9_]+\}$/);
      const documented = documentedVariables();
      for (const key of Object.keys(config.data)) expect(documented, `ConfigMap ${key}`).toContain(key);
      // Only the demo runs in development mode (seeded accounts, the development grant: never real data).
      expect(config.data).toMatchObject({
        NODE_ENV: overlay === 'demo' ? 'development' : 'production',
        ONESTOP_MIGRATIONS: 'verify',
        METRICS_PORT: '9464',
      });
      // The embedded provider is a component: the demo has it, production trusts the government's provider.
      const withIdentity = find('Deployment', 'identity') !== undefined;
      if (overlay === 'production') expect(withIdentity).toBe(false);
      if (overlay === 'demo') expect(withIdentity).toBe(true);
      for (const name of withIdentity ? DEPLOYABLE_NAMES : SERVICES) {
        const d = find('Deployment', name) as K8sObject & {
          spec: { replicas: number; selector: { matchLabels: Record<string, string> } };
        };
        expect(d, name).toBeDefined();
        expect(d.spec.replicas, name).toBeGreaterThanOrEqual(2);
        const pod = podSpec(d);
        expect(pod.securityContext, name).toMatchObject({ runAsNonRoot: true });
        const [c] = pod.containers;
        expect(c!.image, name).toMatch(new RegExp(`(^|/)onestop/${name}:[\\w.-]+$`));
        expect(c!.securityContext, name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        });
        const http = c!.ports!.find((p) => p.name === 'http');
        expect(http?.containerPort, name).toBe(DEPLOYABLES[name].port);
        expect(c!.readinessProbe?.httpGet, name).toEqual({ path: '/ready', port: 'http' });
        expect(c!.livenessProbe?.httpGet, name).toEqual({ path: '/health', port: 'http' });
        // Secrets only by reference to the generated Secret, and only those this process needs.
        const refs = (c!.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.valueFrom!.secretKeyRef!);
        for (const r of refs) {
          expect(r.name).toBe('onestop-secrets');
          expect(Object.keys(secret.stringData)).toContain(r.key);
          if (SECRET_HOLDERS[r.key]) expect(SECRET_HOLDERS[r.key], `${name} holds ${r.key}`).toContain(name);
          expect(Boolean(r.optional), `${name}: ${r.key} optional`).toBe(OPTIONAL_SECRETS.includes(r.key));
        }
        const required: Partial<Record<Deployable, string[]>> = {
          'work-permit': ['DATABASE_URL', 'IDENTITY_ADMIN_SECRET', 'ATTACHMENTS_URL_SECRET'],
          identity: ['DATABASE_URL', 'IDENTITY_ADMIN_SECRET'],
        };
        expect(
          refs.map((r) => r.key),
          name,
        ).toEqual(expect.arrayContaining(required[name] ?? []));
        for (const e of c!.env ?? []) expect(e.value, `${name}: ${e.name} is not inline`).toBeUndefined();
        const signing = refs.map((r) => r.key).filter((k) => k.startsWith('SUBGRAPH_SECRET_'));
        if (name === 'gateway') expect(signing).toHaveLength(3);
        else if ((SUBGRAPHS as readonly string[]).includes(name)) {
          expect(signing, name).toEqual([`SUBGRAPH_SECRET_${name.toUpperCase().replace(/-/g, '_')}`]);
          expect(
            refs.map((r) => r.key),
            name,
          ).toContain('DATABASE_URL');
        } else expect(signing).toEqual([]);
        expect(c!.envFrom, name).toEqual([{ configMapRef: { name: 'onestop-config' } }]);
        // The subgraph URLs in the ConfigMap reach these Services.
        const svc = find('Service', name) as unknown as {
          spec: { selector: Record<string, string>; ports: { name: string; port: number }[] };
        };
        expect(svc.spec.selector).toEqual(d.spec.selector.matchLabels);
        expect(svc.spec.ports.find((p) => p.name === 'http')?.port).toBe(DEPLOYABLES[name].port);
        // work-permit's file endpoint: a named container port and Service port, for the Ingress's files host.
        const files = c!.ports!.find((p) => p.name === 'files');
        const filesSvc = svc.spec.ports.find((p) => p.name === 'files');
        if (name === 'work-permit') {
          expect(files?.containerPort).toBe(FILES_PORT);
          expect(filesSvc?.port).toBe(FILES_PORT);
        } else expect(files ?? filesSvc, name).toBeUndefined();
        const pdb = find('PodDisruptionBudget', name) as unknown as {
          spec: { minAvailable?: number; selector: { matchLabels: Record<string, string> } };
        };
        expect(pdb?.spec.selector.matchLabels, name).toEqual(d.spec.selector.matchLabels);
        expect(pdb.spec.minAvailable).toBeLessThan(d.spec.replicas);
      }
      for (const sg of SUBGRAPHS) {
        const key = `${sg.toUpperCase().replace(/-/g, '_')}_URL`;
        expect(config.data[key]).toBe(`http://${sg}:${DEPLOYABLES[sg].port}/graphql`);
      }
      // Identity: every environment names the issuer it trusts (production refuses to start without one).
      expect(config.data.OIDC_ISSUER).toMatch(/^https:\/\/[a-z0-9.-]+(\/|$)/);
      expect(Object.keys(config.data).filter((k) => k.startsWith('JWT_'))).toEqual([]);
      if (withIdentity) {
        expect(config.data.IDENTITY_ISSUER, 'the provider names itself with the trusted issuer').toBe(
          config.data.OIDC_ISSUER,
        );
        expect(config.data.OIDC_JWKS_URL).toBe(`http://identity:${DEPLOYABLES.identity.port}/jwks`);
        expect(config.data.IDENTITY_ADMIN_URL).toBe(`http://identity:${DEPLOYABLES.identity.port}`);
        expect(config.data.IDENTITY_DASHBOARD_ORIGINS).toMatch(/^https:\/\//);
      } else {
        for (const k of ['IDENTITY_ISSUER', 'IDENTITY_ADMIN_URL', 'OIDC_JWKS_URL'])
          expect(config.data[k], k).toBeUndefined();
      }
      // Attachments: a public https URL for the files host, the dashboard as the only framer, and one
      // store that every work-permit replica sees (S3; a filesystem store would need a ReadWriteMany volume).
      expect(config.data.WORK_PERMIT_FILES_PORT).toBe(String(FILES_PORT));
      expect(config.data.ATTACHMENTS_PUBLIC_URL).toMatch(/^https:\/\/[a-z0-9.-]+$/);
      expect(config.data.ATTACHMENTS_FRAME_ANCESTORS).toMatch(/^https:\/\/[a-z0-9.-]+$/);
      expect(new URL(config.data.ATTACHMENTS_PUBLIC_URL!).host).not.toBe(
        new URL(config.data.ATTACHMENTS_FRAME_ANCESTORS!).host,
      );
      const wpReplicas = (find('Deployment', 'work-permit')!.spec as { replicas: number }).replicas;
      expect(wpReplicas).toBeGreaterThan(1);
      expect(config.data.ATTACHMENTS_STORAGE).toBe('s3');
      expect(config.data.ATTACHMENTS_S3_BUCKET).toBeTruthy();
      // Agencies' budgets are split across the gateway's pods (decision 0011).
      expect(config.data.GATEWAY_INSTANCES).toBe(
        String((find('Deployment', 'gateway')!.spec as { replicas: number }).replicas),
      );
      const job = find('Job', 'onestop-migrate') as K8sObject & {
        spec: { template: { spec: { restartPolicy: string } } };
      };
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      const [mc] = podSpec(job).containers;
      expect(mc!.image).toMatch(/(^|\/)onestop\/migrate:[\w.-]+$/);
      // Metrics only from the monitoring namespace; subgraphs only from the gateway.
      const policy = find('NetworkPolicy', 'onestop-ingress') as unknown as {
        spec: {
          ingress: { from?: Record<string, { matchLabels: Record<string, string> }>[]; ports: { port: number }[] }[];
        };
      };
      const allowed = (port: number) => policy.spec.ingress.filter((r) => r.ports.some((p) => p.port === port));
      expect(allowed(9464)).toEqual([
        expect.objectContaining({
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        }),
      ]);
      for (const sg of SUBGRAPHS)
        expect(allowed(DEPLOYABLES[sg].port)).toEqual([
          expect.objectContaining({
            from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }],
          }),
        ]);
      expect(allowed(DEPLOYABLES.gateway.port)[0]!.from).toBeUndefined();
      expect(allowed(FILES_PORT)[0]!.from, 'the file endpoint is public').toBeUndefined();
      if (withIdentity) {
        const idPolicy = find('NetworkPolicy', 'onestop-identity') as unknown as {
          spec: {
            podSelector: { matchLabels: Record<string, string> };
            ingress: { from?: unknown; ports: { port: number }[] }[];
          };
        };
        expect(idPolicy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'identity' });
        expect(idPolicy.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: DEPLOYABLES.identity.port }] }]);
      }
      // One release: the job and the deployments run the same tag.
      const tags = new Set(containers(objects).map((c) => c.image.split(':')[1]));
      expect(tags.size).toBe(1);
    },
  );
});
