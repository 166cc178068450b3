import { describe, expect, it } from 'vitest';
import { EMBEDDED_ISSUER_DEFAULT, EnvReader, loadCommonConfig, redactUrl, subgraphSecret } from './config.js';

describe('configuration', () => {
  it('works out of the box in development with a database URL', () => {
    const cfg = loadCommonConfig({ DATABASE_URL: 'postgres://u:p@h:5432/d' });
    expect(cfg.mode).toBe('development');
    expect(cfg.auth).toMatchObject({ issuer: EMBEDDED_ISSUER_DEFAULT, audience: 'onestop-api', jwksUrl: undefined });
    expect(cfg.auth.claims.role).toBe('role');
  });

  it('says what to do when the database is missing or not postgres', () => {
    expect(() => loadCommonConfig({})).toThrowError(/set DATABASE_URL, or start the system with `pnpm start`/);
    expect(() => loadCommonConfig({ DATABASE_URL: 'mysql://x' })).toThrowError(/must be a postgres:\/\/ URL/);
  });

  it('refuses production with the development secrets or without an identity provider', () => {
    expect(() => loadCommonConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://h/d' })).toThrowError(
      /needs OIDC_ISSUER/,
    );
    expect(() => subgraphSecret('work-permit', 'production', {})).toThrowError(
      /SUBGRAPH_SECRET_WORK_PERMIT is required/,
    );
    expect(subgraphSecret('work-permit', 'production', { SUBGRAPH_SECRET_WORK_PERMIT: 'x'.repeat(40) })).toBe(
      'x'.repeat(40),
    );
  });

  it('reads the claim mapping and refuses a role value that is no OneStop role', () => {
    const cfg = loadCommonConfig({
      DATABASE_URL: 'postgres://h/d',
      OIDC_CLAIM_ROLE: 'realm_access.roles',
      OIDC_ROLE_VALUES: 'onestop-clerk=CLERK, onestop-manager=manager',
    });
    expect(cfg.auth.claims).toMatchObject({
      role: 'realm_access.roles',
      roleValues: { 'onestop-clerk': 'CLERK', 'onestop-manager': 'MANAGER' },
    });
    expect(() => loadCommonConfig({ DATABASE_URL: 'postgres://h/d', OIDC_ROLE_VALUES: 'admin=ROOT' })).toThrowError(
      /OIDC_ROLE_VALUES: "admin=ROOT" must be/,
    );
  });

  it('validates numbers, ports, booleans and enumerations with the variable named', () => {
    const r = new EnvReader({ P: '70000', N: 'abc', B: 'maybe', E: 'x' });
    expect(() => r.port('P', 1)).toThrowError(/P=70000/);
    expect(() => r.int('N', 1)).toThrowError(/N=abc is not a whole number/);
    expect(() => r.bool('B', false)).toThrowError(/B=maybe must be true or false/);
    expect(() => r.oneOf('E', ['a', 'b'] as const, 'a')).toThrowError(/E=x must be one of: a, b/);
    expect(r.port('MISSING', 4000)).toBe(4000);
  });

  it('never prints a password', () => {
    expect(redactUrl('postgres://user:hunter2@host:5432/db')).toBe('postgres://user:***@host:5432/db');
  });
});
