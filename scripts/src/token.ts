/**
 * `pnpm token --role MANAGER` prints a development token. Options: --role, --sub, --name,
 * --agency, --employers a,b, --counter, --ttl. Refused in production.
 */
import { parseArgs } from 'node:util';
import { DEMO_AGENCIES, loadCommonConfig, ROLES, signDevToken, type Role } from '@onestop/common';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    agency: { type: 'string' },
    employers: { type: 'string' },
    counter: { type: 'string' },
    ttl: { type: 'string', default: '12h' },
  },
});
const role = values.role?.toUpperCase() as Role | undefined;
if (!role || !ROLES.includes(role)) {
  process.stderr.write(
    `usage: pnpm token --role ${ROLES.join('|')} [--agency ID --employers ID,ID] [--counter ID] [--sub ID] [--name NAME] [--ttl 12h]\n`,
  );
  process.exit(2);
}
const cfg = loadCommonConfig({ DATABASE_URL: 'postgres://unused/unused', ...process.env });
if (cfg.mode === 'production') {
  process.stderr.write('error: dev tokens are not issued in production; use your identity provider.\n');
  process.exit(1);
}
const defaults: Record<Role, { sub: string; name: string }> = {
  AGENCY: { sub: 'agency-user-1', name: 'Agency handler' },
  WP_OFFICER: { sub: 'wp-officer-1', name: 'Talents Center reviewer' },
  EE_OFFICER: { sub: 'ee-officer-1', name: 'Exit-Entry officer' },
  CLERK: { sub: 'clerk-1', name: 'Counter clerk' },
  MANAGER: { sub: 'manager-1', name: 'Talents Center manager' },
};
// Defaults name the seeded demo agency and counter, so `pnpm token --role AGENCY` just works.
const agency = DEMO_AGENCIES.find((a) => a.id === values.agency) ?? (values.agency ? undefined : DEMO_AGENCIES[0]);
if (role === 'AGENCY') {
  values.agency ??= agency!.id;
  values.employers ??= agency?.employerIds.join(',');
  if (!values.employers) {
    process.stderr.write(
      'error: an AGENCY token for a non-demo agency needs --employers ID,ID (the employers it acts for).\n',
    );
    process.exit(2);
  }
}
if (role === 'CLERK') values.counter ??= 'chaoyang-cbd';
const token = await signDevToken(
  cfg.auth,
  {
    sub: values.sub ?? defaults[role].sub,
    role,
    name: values.name ?? defaults[role].name,
    agencyId: values.agency,
    employerIds: values.employers
      ? values.employers
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
    counterId: values.counter,
  },
  values.ttl,
);
process.stdout.write(`${token}\n`);
