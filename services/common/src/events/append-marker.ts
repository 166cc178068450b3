import type { EntityManager } from 'typeorm';

/**
 * Transactions that have appended to the event log, and so hold its commit-order lock until
 * they end. A durable consumer ends its batch after a handler that appended (see
 * PostgresConsumer): holding that lock while the next handler waits for a row a command has
 * locked, while that command waits for the lock to append, would be a deadlock.
 */
const appended = new WeakSet<EntityManager>();

export function markAppended(tx: EntityManager): void {
  appended.add(tx);
}

export function hasAppended(tx: EntityManager): boolean {
  return appended.has(tx);
}
