import { EnvReader, identityAdminSecret, loadCommonConfig, StartupError } from '@onestop/common';
import type { IdentityAdmin } from './agency-client/agency-client.service.js';
import { DEFAULT_RENEWAL_WINDOW, type RenewalWindow } from './case/case-filing.rules.js';

/** work-permit's own settings (the shared ones come from loadCommonConfig). */
export interface WorkPermitConfig {
  /** DOMAIN.md (cfg): a renewal is filed 30–90 days before the current permits expire. */
  renewalWindow: RenewalWindow;
  /** The embedded identity provider's API-client administration (agency clients). */
  identityAdmin: IdentityAdmin;
}

/** Reads and validates work-permit's settings; a bad value stops the start-up with one line. */
export function loadWorkPermitConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): WorkPermitConfig {
  const r = new EnvReader(env);
  const minDaysBeforeExpiry = r.int(
    'RENEWAL_MIN_DAYS_BEFORE_EXPIRY',
    DEFAULT_RENEWAL_WINDOW.minDaysBeforeExpiry,
    1,
    365,
  );
  const maxDaysBeforeExpiry = r.int(
    'RENEWAL_MAX_DAYS_BEFORE_EXPIRY',
    DEFAULT_RENEWAL_WINDOW.maxDaysBeforeExpiry,
    1,
    730,
  );
  if (maxDaysBeforeExpiry < minDaysBeforeExpiry) {
    throw new StartupError(
      `RENEWAL_MAX_DAYS_BEFORE_EXPIRY (${maxDaysBeforeExpiry}) must not be less than RENEWAL_MIN_DAYS_BEFORE_EXPIRY (${minDaysBeforeExpiry}).`,
    );
  }
  const { mode, auth } = loadCommonConfig({ DATABASE_URL: 'postgres://unused/unused', ...env });
  const adminUrl = r.url('IDENTITY_ADMIN_URL', `http://127.0.0.1:${r.port('IDENTITY_PORT', 4004)}`);
  return {
    renewalWindow: { minDaysBeforeExpiry, maxDaysBeforeExpiry },
    identityAdmin: {
      url: adminUrl,
      secret: identityAdminSecret(mode, env),
      tokenEndpoint: r.url('OIDC_TOKEN_ENDPOINT', `${auth.issuer}/token`),
    },
  };
}
