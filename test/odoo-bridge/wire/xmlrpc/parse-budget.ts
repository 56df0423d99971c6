import { parseMethodCall, XmlRpcParseError } from '../../../../odoo-bridge/wire/xmlrpc/index.ts';

/**
 * The gateway's fuzz bar: every body is answered (a value or an XmlRpcParseError) within 1 s.
 *
 * Measured as the CPU time this process spends, not wall time: test files run in parallel on
 * few cores, and the wall clock then measures the neighbours. Wall time is checked too, with
 * room for that contention, so a hang still fails.
 */
const CPU_BUDGET_MS = 1_000;
const WALL_LIMIT_MS = 5_000;

export function parseWithinBudget(body: Buffer | string): 'parsed' | 'refused' {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let outcome: 'parsed' | 'refused';
  try {
    parseMethodCall(body);
    outcome = 'parsed';
  } catch (error) {
    if (!(error instanceof XmlRpcParseError)) throw new Error(`not an XmlRpcParseError: ${String(error)}`);
    outcome = 'refused';
  }
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (cpuMs > CPU_BUDGET_MS || wall > WALL_LIMIT_MS) throw new Error(`took ${cpuMs.toFixed(0)} ms CPU, ${wall.toFixed(0)} ms wall`);
  return outcome;
}
