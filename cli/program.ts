import { Command, type OutputConfiguration } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { registerConfig } from './commands/config.ts';
import { registerReconcile } from './commands/reconcile.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerOffload } from './commands/offload.ts';
import { registerDb } from './commands/db.ts';
import { registerServe } from './commands/serve.ts';
import { registerStart } from './commands/start.ts';
import { registerToken } from './commands/token.ts';
import { registerSearch } from './commands/search.ts';

/**
 * The `ficus` command line. Each subcommand lives in its own file under cli/commands and registers
 * itself here. Built without running anything, so a command line can be checked (a deployment
 * file's container command, test/deploy) by parsing it with `--help`.
 */
export function ficusProgram(output?: OutputConfiguration): Command {
  const program = new Command('ficus')
    .description('Split an Odoo monolith into services without stopping it')
    .version(packageJson.version)
    .showHelpAfterError()
    .exitOverride();
  // Before the subcommands exist: commander copies a command's settings into those it creates.
  if (output) program.configureOutput(output);

  registerStart(program);
  registerConfig(program);
  registerServe(program);
  registerDb(program);
  registerReconcile(program);
  registerMigrate(program);
  registerOffload(program);
  registerToken(program);
  registerSearch(program);
  return program;
}
