// The full-size runs of checks the test suite runs smaller. The suite must stay under 30 minutes
// on a quiet 2-core machine as services are added, so CI keeps each of these checks at a count
// that still means something (the same code, the same assertions, a prefix of the same seeded
// inputs); the counts the issues' bars name are run here, through the same test files, with the
// size knobs each file reads from its environment.
//   npx tsx bench/long-checks.ts                 (every check, one after another)
//   npx tsx bench/long-checks.ts fuzz saga       (some of them; names below)
// Prints each run's wall time and CPU time (user + system of vitest and everything it started,
// PostgreSQL and JVMs included), and exits non-zero when any run failed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

interface LongCheck {
  /** What the full size checks, and which bar names it. */
  what: string;
  files: readonly string[];
  /** The test files' size knobs at the bar's figures (CI's smaller defaults are in the files). */
  env: Readonly<Record<string, string>>;
}

export const LONG_CHECKS: Readonly<Record<string, LongCheck>> = {
  fuzz: {
    what: 'issue 4 bar 3: 20,000 random or malformed bodies per transport (CI: 5,000), and 300 random bodies per endpoint beside the nasty corpus (CI: 100)',
    files: ['test/odoo-bridge/gateway/fuzz.test.ts', 'test/odoo-bridge/gateway/fuzz-corpus.test.ts'],
    env: { FUZZ_BODIES: '20000', FUZZ_RANDOM: '300' },
  },
  saga: {
    what: 'issue 7 bar 1: the OrderCreationSaga process SIGKILLed at 200 random points (CI: 50)',
    files: ['test/services/saga-crash.db.test.ts'],
    env: { SAGA_RANDOM_KILLS: '200' },
  },
  'exactly-once': {
    what: 'issue 7 bar 2: 100,000 events while consumers are SIGKILLed, embedded (CI: 30,000) and over Kafka (CI: 100,000 too)',
    files: ['test/services/exactly-once.db.test.ts'],
    env: { EXACTLY_ONCE_EVENTS: '100000' },
  },
};
// The cutover drills run shorter dwells in CI; their long runs are bench/cutover-<service>.ts.

/** CPU ms this process's waited-for children used (cutime + cstime of /proc/self/stat). */
function reapedChildrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // USER_HZ is 100 on Linux
}

function runVitest(check: LongCheck): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...check.files], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...check.env },
      stdio: 'inherit',
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in LONG_CHECKS));
if (unknown.length) {
  console.error(`unknown check ${unknown.join(', ')}; known: ${Object.keys(LONG_CHECKS).join(', ')}`);
  process.exit(2);
}
const rows: string[] = [];
let failed = 0;
for (const name of asked.length ? asked : Object.keys(LONG_CHECKS)) {
  const check = LONG_CHECKS[name]!;
  console.log(`\n== ${name}: ${check.what}\n   ${Object.entries(check.env).map(([k, v]) => `${k}=${v}`).join(' ')} vitest run ${check.files.join(' ')}`);
  const cpuBefore = reapedChildrenCpuMs();
  const started = performance.now();
  const code = await runVitest(check);
  const wallS = (performance.now() - started) / 1000;
  const cpuS = (reapedChildrenCpuMs() - cpuBefore) / 1000;
  if (code !== 0) failed++;
  rows.push(`${name.padEnd(14)} ${code === 0 ? 'pass' : `FAIL (${code})`}  wall ${wallS.toFixed(0)} s  cpu ${cpuS.toFixed(0)} s`);
}
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`\nlong checks (load ${load}):\n  ${rows.join('\n  ')}`);
console.log(JSON.stringify({ bench: 'long-checks', failed, runs: rows.length }));
process.exit(failed ? 1 : 0);
