import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import { OdooError } from '../errors.ts';
import type { CallHandler } from '../call.ts';

/**
 * Wraps a call handler with one log line and metrics per call: transport, model, method,
 * uid, duration and outcome. Arguments are never logged (they carry passwords and health
 * values); the outcome of a failed call is its Odoo exception class.
 */
export function createCallObserver(logger: Logger, registry: Registry): (handler: CallHandler) => CallHandler {
  const calls = new Counter({
    name: 'ficus_odoo_calls_total',
    help: 'Odoo model calls answered by the gateway',
    labelNames: ['transport', 'model', 'method', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ficus_odoo_call_duration_seconds',
    help: 'Time to answer an Odoo model call',
    labelNames: ['transport', 'model', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return (handler) => async (call) => {
    const transport = call.transport ?? 'internal';
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await handler(call);
    } catch (error) {
      outcome = error instanceof OdooError ? error.exceptionName : 'internal';
      throw error;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const labels = { transport, model: call.model, method: call.method };
      calls.inc({ ...labels, outcome });
      duration.observe(labels, seconds);
      logger.info({ ...labels, db: call.database, uid: call.uid, ms: Math.round(seconds * 10000) / 10, outcome }, 'odoo call');
    }
  };
}
