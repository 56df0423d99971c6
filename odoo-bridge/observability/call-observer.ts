import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import { OdooError } from '../errors.ts';
import type { CallHandler } from '../call.ts';
import { openSpan, tracingEnabled, type WorkSpan } from '../../platform/tracing.ts';
import { runInWorkContext } from '../../platform/work-context.ts';
import { KnownCallLabels, OTHER_LABEL } from './metric-labels.ts';

const TRANSPORTS = new Set(['xmlrpc', 'jsonrpc', 'json2', 'web', 'internal']);

/** Odoo exception classes are a code-defined set, but keep the label shape sane whatever a handler throws. */
function knownOutcome(outcome: string): string {
  return /^[A-Za-z_][\w.]{0,79}$/.test(outcome) ? outcome : OTHER_LABEL;
}

function clip(name: unknown): string {
  const text = String(name);
  return text.length > 128 ? `${text.slice(0, 128)}…` : text;
}

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
  const known = new KnownCallLabels();
  /**
   * The time series of one (transport, model, method), kept once made: prom-client would
   * otherwise sort and join the label names of every call to find them again. Bounded like the
   * label values themselves (metric-labels.ts).
   */
  const series = new Map<string, { duration: Histogram.Internal<'transport' | 'model' | 'method'>; calls: Map<string, Counter.Internal> }>();
  const seriesOf = (transport: string, model: string, method: string) => {
    const key = `${transport}\0${model}\0${method}`;
    let found = series.get(key);
    if (!found) {
      found = { duration: duration.labels({ transport, model, method }), calls: new Map() };
      series.set(key, found);
    }
    return found;
  };
  return (handler) => async (call) => {
    const transport = TRANSPORTS.has(call.transport ?? 'internal') ? (call.transport ?? 'internal') : OTHER_LABEL;
    const started = performance.now();
    let outcome = 'ok';
    let failure: unknown;
    const span = tracingEnabled() ? openCallSpan(call, transport) : undefined;
    try {
      return await (span ? runInWorkContext({ trace: span.trace, log: logger }, () => handler(call)) : handler(call));
    } catch (error) {
      failure = error;
      outcome = error instanceof OdooError ? error.exceptionName : 'internal';
      throw error;
    } finally {
      span?.setAttributes({ 'odoo.outcome': outcome });
      span?.end(outcome === 'ok' ? undefined : failure);
      const seconds = (performance.now() - started) / 1000;
      const { model, method } = known.labelsFor(call.model, call.method, failure);
      const { duration: timed, calls: counted } = seriesOf(transport, model, method);
      const outcomeLabel = failure === undefined || failure instanceof OdooError ? knownOutcome(outcome) : 'internal';
      let counter = counted.get(outcomeLabel);
      if (!counter) counted.set(outcomeLabel, (counter = calls.labels({ transport, model, method, outcome: outcomeLabel })));
      counter.inc();
      timed.observe(seconds);
      // The log line names what was asked, as asked (bounded in length); metrics only known names.
      if (logger.isLevelEnabled('info')) {
        logger.info({ transport, model: clip(call.model), method: clip(call.method), db: call.database, uid: call.uid, ms: Math.round(seconds * 10000) / 10, outcome }, 'odoo call');
      }
    }
  };
}

/** A span per model call, under the request's: what was asked as attributes (bounded), never its arguments. */
function openCallSpan(call: Parameters<CallHandler>[0], transport: string): WorkSpan {
  return openSpan('odoo call', {
    role: 'internal',
    scope: 'ficus.gateway',
    attributes: { 'odoo.transport': transport, 'odoo.model': clip(call.model), 'odoo.method': clip(call.method), 'odoo.database': clip(call.database), 'enduser.id': String(call.uid) },
  });
}
