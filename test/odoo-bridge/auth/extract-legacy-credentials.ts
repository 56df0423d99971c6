/**
 * Regenerates legacy-credentials.json: real hashes from the legacy dump, so the unit tests
 * check the verifier against what Odoo 18 actually wrote, without a database.
 *
 *   npx tsx test/odoo-bridge/auth/extract-legacy-credentials.ts [dump.sql.gz]
 *
 * Clear texts: every demo user's password equals its login (legacy README); API key clear
 * texts come from /work/shared/legacy-odoo/api_keys.txt (path overridable with API_KEYS_FILE).
 */
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dumpPath = process.argv[2] ?? `${here}../../../fixtures/hp_legacy.sql.gz`;
const apiKeysPath = process.env.API_KEYS_FILE ?? '/work/shared/legacy-odoo/api_keys.txt';
const outPath = `${here}legacy-credentials.json`;

/** A few users of each kind, one per role. */
const WANTED_LOGINS = new Set([
  'admin',
  'member001@hp.example',
  'member002@hp.example',
  'coach001@hp.example',
  'merchant001@hp.example',
  'operator001@hp.example',
]);

type Row = Record<string, string | null>;

/** `COPY … FROM stdin` text format: tab-separated, `\N` = NULL, backslash escapes. */
function parseCopyLine(columns: string[], line: string): Row {
  const values = line.split('\t').map((v) => (v === '\\N' ? null : unescapeCopy(v)));
  return Object.fromEntries(columns.map((c, i) => [c, values[i] ?? null]));
}

function unescapeCopy(value: string): string {
  const map: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };
  return value.replace(/\\(.)/g, (_, c: string) => map[c] ?? c);
}

async function readTables(path: string, tables: string[]): Promise<Map<string, Row[]>> {
  const result = new Map<string, Row[]>(tables.map((t) => [t, []]));
  let current: { table: string; columns: string[] } | null = null;
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (current) {
      if (line === '\\.') current = null;
      else result.get(current.table)!.push(parseCopyLine(current.columns, line));
      continue;
    }
    const m = /^COPY public\.(\w+) \(([^)]*)\) FROM stdin;$/.exec(line);
    if (m && result.has(m[1]!)) current = { table: m[1]!, columns: m[2]!.split(', ') };
  }
  return result;
}

function readApiKeyClearTexts(path: string): Map<number, string> {
  const keys = new Map<number, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\S+\s+uid\s+(\d+)\s+([0-9a-f]{40})\s*$/.exec(line);
    if (m) keys.set(Number(m[1]), m[2]!);
  }
  return keys;
}

const tables = await readTables(dumpPath, ['res_users', 'res_users_apikeys']);
const clearKeys = readApiKeyClearTexts(apiKeysPath);

const users = tables
  .get('res_users')!
  .filter((u) => WANTED_LOGINS.has(u.login ?? ''))
  .map((u) => ({ id: Number(u.id), login: u.login!, active: u.active === 't', passwordHash: u.password }))
  .sort((a, b) => a.id - b.id);

const apiKeys = tables.get('res_users_apikeys')!.map((k) => ({
  id: Number(k.id),
  userId: Number(k.user_id),
  scope: k.scope,
  expirationDate: k.expiration_date,
  index: k.index!,
  hash: k.key!,
  key: clearKeys.get(Number(k.user_id)) ?? null,
}));

const fixture = {
  source: 'fixtures/hp_legacy.sql.gz (res_users, res_users_apikeys); clear keys from api_keys.txt',
  passwordRule: 'clear-text password = login',
  users,
  apiKeys,
};
writeFileSync(outPath, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${users.length} users and ${apiKeys.length} API keys to ${outPath}`);
