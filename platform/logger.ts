import pino, { type Logger } from 'pino';
import { redactPaths } from './redaction.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  format: 'auto' | 'json' | 'pretty';
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

/** JSON lines for machines, readable lines on a terminal; secrets and health values censored either way. */
export function createLogger({ level, format, destination }: LoggerOptions): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && !destination && process.stdout.isTTY === true);
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'ficus' },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
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
