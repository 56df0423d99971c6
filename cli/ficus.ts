import { CommanderError } from 'commander';
import { ConfigError } from '../runtime/config.ts';
import { PostgresStartError } from '../runtime/embedded-postgres.ts';
import { ficusProgram } from './program.ts';
import { usePostgresSessionDefaults } from '../platform/postgres-session-defaults.ts';

// The `ficus` command (bin/ficus.js runs this file): the command line of cli/program.ts, its
// failures mapped to exit codes.

/** Exit codes: 0 fine, 1 failure while running, 2 bad usage or settings (nothing was started). */
usePostgresSessionDefaults();
try {
  await ficusProgram().parseAsync(process.argv);
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
