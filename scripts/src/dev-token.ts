/**
 * `pnpm dev-token --role MANAGER` prints a development access token from the embedded identity
 * provider (its development grant; `pnpm start` must be running). Options: --role, --sub,
 * --name, --agency, --employers a,b, --counter, --ttl (seconds). The provider refuses it in
 * production. (Not `pnpm token`: pnpm 12 has a built-in command of that name.)
 */
import { parseArgs } from 'node:util';
import { EnvReader, ROLES, requestDevToken, type Role } from '@onestop/common';
import { DEMO_AGENCIES } from '@onestop/common/testing';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    agency: { type: 'string' },
    employers: { type: 'string' },
    counter: { type: 'string' },
    ttl: { type: 'string', default: '43200' },
  },
});
const role = values.role?.toUpperCase() as Role | undefined;
if (!role || !ROLES.includes(role)) {
  process.stderr.write(
    `usage: pnpm dev-token --role ${ROLES.join('|')} [--agency ID --employers ID,ID] [--counter ID] [--sub ID] [--name NAME] [--ttl SECONDS]\n`,
  );
  process.exit(2);
}
const r = new EnvReader();
const issuer = r.url('OIDC_ISSUER', `http://127.0.0.1:${r.port('IDENTITY_PORT', 4004)}`);
const defaults: Record<Role, { sub: string; name: string }> = {
  AGENCY: { sub: 'agency-user-1', name: 'Agency handler' },
  WP_OFFICER: { sub: 'wp-officer-1', name: 'Talents Center reviewer' },
  EE_OFFICER: { sub: 'ee-officer-1', name: 'Exit-Entry officer' },
  CLERK: { sub: 'clerk-1', name: 'Counter clerk' },
  MANAGER: { sub: 'manager-1', name: 'Talents Center manager' },
};
// Defaults name the seeded demo agency and counter, so `pnpm dev-token --role AGENCY` just works.
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
try {
  const token = await requestDevToken(issuer, {
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
    ttlSeconds: Number(values.ttl),
  });
  process.stdout.write(`${token}\n`);
} catch (err) {
  process.stderr.write(
    `error: ${(err as Error).message} (is \`pnpm start\` running? the embedded provider is at ${issuer})\n`,
  );
  process.exit(1);
}
