import { IdentityInit1764201609000 } from './1764201609000-identity-init.js';

/** The identity provider's migrations, in order. */
export const identityMigrations = [IdentityInit1764201609000];
