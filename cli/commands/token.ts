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

const scopeList = (value: string) => {
  const scopes = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!scopes.length || scopes.some((s) => !/^[a-z][a-z0-9_.:-]{0,63}$/.test(s))) throw new InvalidArgumentError('comma-separated scope names (e.g. service)');
  return scopes;
};

/**
 * `ficus token --user <uid> [--scope service]`: a bearer token for the services' REST API, signed
 * with the embedded Ficus's own keys (`<data dir>/signing-keys.json`, made by the first
 * `ficus start`), without a password and without a login session. Apps sign in at
 * `POST /auth/login`; this is for a developer on their own machine, and for service tokens
 * (scope `service`, e.g. dynamic's POST /activities). Whoever can read the data folder can do the same.
 */
export function registerToken(program: Command): void {
  program
    .command('token')
    .description('print a REST bearer token for a user, signed with the embedded Ficus keys (development and service tokens; apps use POST /auth/login)')
    .requiredOption('--user <uid>', 'res.users id the token is for (e.g. 6 for member001@hp.example)', whole)
    .option('--ttl <seconds>', 'lifetime in seconds', whole, 3600)
    .option('--scope <scopes>', 'comma-separated scopes the token carries (e.g. service)', scopeList)
    .action(async (options: { user: number; ttl: number; scope?: string[] }) => {
      const config = loadConfig();
      if (!existsSync(path.join(config.dataDir, 'signing-keys.json'))) {
        throw new Error(`no signing keys in ${config.dataDir} (FICUS_DATA_DIR): run \`npm start\` once first`);
      }
      const keys = await loadOrCreateSigningKeys(config.dataDir);
      process.stdout.write(`${issueToken(keys, { userId: options.user, ...(options.scope ? { scopes: options.scope } : {}) }, options.ttl)}\n`);
    });
}
