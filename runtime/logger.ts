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
    serializers: { err: pino.stdSerializers.err },
  };
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
