import type { Role } from '@onestop/common';
import type { DataSource } from 'typeorm';
import { hashSecret, verifySecret } from './secrets.js';

/** A staff account of the embedded provider. */
export interface Account {
  id: string;
  username: string;
  role: Role;
  name: string;
  counterId: string | null;
}

interface AccountRow {
  id: string;
  username: string;
  role: Role;
  name: string;
  counter_id: string | null;
  password_hash: string;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  username: r.username,
  role: r.role,
  name: r.name,
  counterId: r.counter_id,
});

/**
 * The seeded demo staff, one per role (two clerks, at two counters), all with the demo password
 * (docs/identity.md). Seeded when missing, outside production only.
 */
export const DEMO_ACCOUNTS: readonly Omit<Account, 'id'>[] = [
  { username: 'manager', role: 'MANAGER', name: 'Zhao Min', counterId: null },
  { username: 'wp.officer', role: 'WP_OFFICER', name: 'Li Wei', counterId: null },
  { username: 'ee.officer', role: 'EE_OFFICER', name: 'Chen Jing', counterId: null },
  { username: 'clerk', role: 'CLERK', name: 'Wang Fang', counterId: 'chaoyang-cbd' },
  { username: 'clerk.zgc', role: 'CLERK', name: 'Liu Yang', counterId: 'haidian-zgc' },
];

/** Staff accounts: look-up and password check. */
export class AccountStore {
  constructor(private readonly ds: DataSource) {}

  async byId(id: string): Promise<Account | undefined> {
    const rows: AccountRow[] = await this.ds.query(
      `SELECT * FROM identity.account WHERE id = $1 AND disabled_at IS NULL`,
      [id],
    );
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  /** The account when the username and password match, else undefined (the same answer for both mistakes). */
  async authenticate(username: string, password: string): Promise<Account | undefined> {
    const rows: AccountRow[] = await this.ds.query(
      `SELECT * FROM identity.account WHERE username = lower($1) AND disabled_at IS NULL`,
      [username.trim()],
    );
    const row = rows[0];
    // Hash even for an unknown user, so the answer takes as long either way.
    const ok = await verifySecret(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok ? toAccount(row) : undefined;
  }

  /** Seeds the demo accounts that are missing. */
  async seedDemo(password: string): Promise<void> {
    const rows: { n: number }[] = await this.ds.query(
      `SELECT count(*)::int AS n FROM identity.account WHERE username = ANY($1)`,
      [DEMO_ACCOUNTS.map((a) => a.username)],
    );
    if (rows[0]!.n === DEMO_ACCOUNTS.length) return;
    const hash = await hashSecret(password);
    for (const a of DEMO_ACCOUNTS) {
      await this.ds.query(
        `INSERT INTO identity.account (id, username, password_hash, role, name, counter_id)
         VALUES ($1, $1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING`,
        [a.username, hash, a.role, a.name, a.counterId],
      );
    }
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
