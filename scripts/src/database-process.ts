/**
 * The embedded database as its own process (started by `pnpm start`, never by hand). The
 * launcher runs it in a separate process group so a Ctrl-C in the terminal reaches only the
 * launcher, which then stops the system in order: gateway and dashboard, subgraphs, and this
 * database last. Tells the launcher its URL over IPC; stops PostgreSQL on SIGTERM/SIGINT and
 * when the launcher goes away (the IPC channel closes), so a killed launcher leaves no server behind.
 * Variables: ONESTOP_DB_DIR (cluster directory), ONESTOP_DB_PORT.
 */
import { EnvReader, runMain, startEmbeddedPostgres } from '@onestop/common';

runMain(async () => {
  const r = new EnvReader();
  const db = await startEmbeddedPostgres({
    dataDir: r.string('ONESTOP_DB_DIR', '.data/pg'),
    port: r.port('ONESTOP_DB_PORT', 54329),
    onLog: (line) => process.stdout.write(`${line}\n`),
  });
  process.send?.({ type: 'ready', url: db.url });
  return { stop: () => db.stop() };
});
