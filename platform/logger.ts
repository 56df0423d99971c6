import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import { redactPaths } from './redaction.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  format: 'auto' | 'json' | 'pretty';
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

/**
 * JSON lines for machines, readable lines on a terminal; secrets and health values censored either way.
 *
 * Every line carries one `service` key: `ficus` for the gateway, the service's name for lines of
 * a service (`logger.child({ service: 'trade' })`). Pino would write a child's `service` after the
 * root's, giving a line with the key twice, which JSON parsers resolve differently; so a child
 * that names a service is made from a root of its own with that service as its base.
 */
export function createLogger({ level, format, destination }: LoggerOptions): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && !destination && process.stdout.isTTY === true);
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: redactPaths(), censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
  // One destination shared by every root, so lines of the gateway and the services interleave in order.
  const stream: pino.DestinationStream = pretty
    ? pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } })
    : ((destination as pino.DestinationStream | undefined) ?? pino.destination({ fd: 1, sync: true }));
  // One root per service and level, made once: a root compiles its redaction paths, which cost
  // more than the rest of a small REST request when a root was made per request's child.
  const roots = new Map<string, Logger>();
  const rootFor = (service: string, currentLevel: string): Logger => {
    const key = `${currentLevel}\u0000${service}`;
    let root = roots.get(key);
    if (!root) roots.set(key, (root = serviceAwareChildren(pino({ ...options, level: currentLevel, base: { pid: process.pid, hostname: hostname(), service } }, stream), rootFor)));
    return root;
  };
  return rootFor('ficus', level);
}

type RootFor = (service: string, level: string) => Logger;

/** Pino's own `child` (children are made with Object.create(parent), so it is looked up before the override). */
type PlainChild = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
const pinoChild = Object.getPrototypeOf(pino({ enabled: false })).child as PlainChild;

function serviceAwareChildren(logger: Logger, rootFor: RootFor): Logger {
  function child(this: Logger, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions): Logger {
    if (typeof bindings.service !== 'string') return pinoChild.call(this, bindings, childOptions);
    const { service, ...rest } = bindings;
    const { service: _inherited, ...inherited } = this.bindings();
    return rootFor(service, this.level).child({ ...inherited, ...rest }, childOptions) as Logger;
  }
  // Children inherit this method through their prototype chain, so one override covers the tree.
  logger.child = child as unknown as Logger['child'];
  return logger;
}

/**
 * Errors are logged as their class, message and code only: a pg error carries its client
 * (connection parameters) and the SQL text, and stacks belong in a debugger, not in log lines.
 */
function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { type: error.constructor.name, message: error.message, ...(code !== undefined ? { code } : {}) };
}
