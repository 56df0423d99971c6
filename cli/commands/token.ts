import { existsSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../runtime/config.ts';
import { loadOrCreateSigningKeys } from '../../runtime/signing-keys.ts';
import { issueToken } from '../../services/kit/index.ts';

const whole = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a positive whole number');
  return Number(value);
};

/**
 * `ficus token --user <uid>`: a bearer token for the services' REST API, signed with the embedded
 * Ficus's own keys (`<data dir>/signing-keys.json`, made by the first `ficus start`). The auth
 * service that will issue tokens after a login is not built yet; until then this is how a
 * developer calls REST on their own machine. Whoever can read the data folder can do the same.
 */
export function registerToken(program: Command): void {
  program
    .command('token')
    .description('print a REST bearer token for a user, signed with the embedded Ficus keys (development: the auth service does not issue tokens yet)')
    .requiredOption('--user <uid>', 'res.users id the token is for (e.g. 6 for member001@hp.example)', whole)
    .option('--ttl <seconds>', 'lifetime in seconds', whole, 3600)
    .action(async (options: { user: number; ttl: number }) => {
      const config = loadConfig();
      if (!existsSync(path.join(config.dataDir, 'signing-keys.json'))) {
        throw new Error(`no signing keys in ${config.dataDir} (FICUS_DATA_DIR): run \`npm start\` once first`);
      }
      const keys = await loadOrCreateSigningKeys(config.dataDir);
      process.stdout.write(`${issueToken(keys, { userId: options.user }, options.ttl)}\n`);
    });
}
