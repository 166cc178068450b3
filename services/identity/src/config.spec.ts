import { describe, expect, it } from 'vitest';
import { loadIdentityConfig } from './config.js';

describe('identity configuration', () => {
  it('works out of the box: port 4004, its own issuer, the dashboard’s origins, short agency tokens', () => {
    const cfg = loadIdentityConfig({ DATABASE_URL: 'postgres://h/d', DASHBOARD_PORT: '5573' });
    expect(cfg.port).toBe(4004);
    expect(cfg.issuer).toBe('http://127.0.0.1:4004');
    expect(cfg.dashboardOrigins).toEqual(['http://127.0.0.1:5573', 'http://localhost:5573']);
    expect(cfg.ttl.clientCredentialsSeconds).toBe(300);
    expect(cfg.apiAudience).toBe('onestop-api');
  });

  it('refuses a dashboard origin that is not a URL and a token lifetime out of range, naming the variable', () => {
    expect(() =>
      loadIdentityConfig({ DATABASE_URL: 'postgres://h/d', IDENTITY_DASHBOARD_ORIGINS: 'not an origin' }),
    ).toThrowError(/IDENTITY_DASHBOARD_ORIGINS/);
    expect(() =>
      loadIdentityConfig({ DATABASE_URL: 'postgres://h/d', IDENTITY_CLIENT_TOKEN_TTL: '86400' }),
    ).toThrowError(/IDENTITY_CLIENT_TOKEN_TTL/);
  });
});
