import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { ConfigError } from '../runtime/config.ts';
import { PostgresStartError } from '../runtime/embedded-postgres.ts';
import { registerConfig } from './commands/config.ts';
import { registerReconcile } from './commands/reconcile.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerOffload } from './commands/offload.ts';
import { registerDb } from './commands/db.ts';
import { registerServe } from './commands/serve.ts';
import { registerStart } from './commands/start.ts';
import { registerToken } from './commands/token.ts';

/**
 * The `ficus` command. Each subcommand lives in its own file under cli/commands and registers
 * itself here; `serve`, `migrate` and `reconcile` join the same way.
 */
const program = new Command('ficus')
  .description('Split an Odoo monolith into services without stopping it')
  .version(packageJson.version)
  .showHelpAfterError()
  .exitOverride();

registerStart(program);
registerConfig(program);
registerServe(program);
registerDb(program);
registerReconcile(program);
registerMigrate(program);
registerOffload(program);
registerToken(program);

/** Exit codes: 0 fine, 1 failure while running, 2 bad usage or settings (nothing was started). */
try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exit(exitCodeFor(error));
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof ConfigError) {
    console.error(`ficus: ${error.message}`);
    return 2;
  }
  if (error instanceof PostgresStartError) {
    console.error(`ficus: ${error.message}`);
    return 1;
  }
  console.error(`ficus: ${(error as Error).message ?? error}`);
  return 1;
}
