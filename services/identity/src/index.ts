/** @onestop/identity: the embedded OpenID Connect provider (development and demos). */
export { startIdentity, type RunningIdentity } from './server.js';
export { loadIdentityConfig, type IdentityConfig } from './config.js';
export { rotateSigningKeys, loadSigningKeys, KEYS_CHANNEL } from './keys/signing-keys.js';
export { ApiClientStore, type ApiClient } from './clients/api-clients.js';
export { DEMO_API_CLIENTS } from './clients/api-clients.seed.js';
export { DEMO_ACCOUNTS, type Account } from './accounts/accounts.js';
export { DASHBOARD_CLIENT_ID } from './provider.js';
