// Starts an embedded PostgreSQL in DATA_DIR on PG_PORT and holds it (as `ficus start` would) until
// killed; prints "ready" once it answers. The owner test kills it with SIGKILL to orphan the server.
import { createLogger } from '../../../platform/logger.ts';
import { startEmbeddedPostgres } from '../../../runtime/embedded-postgres.ts';

await startEmbeddedPostgres({ dataDir: process.env.DATA_DIR!, port: Number(process.env.PG_PORT), logger: createLogger({ level: 'silent', format: 'json' }), extraSettings: { fsync: 'off' } });
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
