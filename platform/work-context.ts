import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import { formatTraceparent, type TraceContext } from './trace-context.ts';

/**
 * What the current unit of work (an HTTP request, an event handling, a saga step) is: its trace
 * and logger. Kept in AsyncLocalStorage so `bus.publish(tx, event)` and outgoing calls pick up
 * the trace without every function passing it along.
 */
export interface WorkContext {
  trace: TraceContext;
  log: Logger;
  requestId?: string;
}

const storage = new AsyncLocalStorage<WorkContext>();

export function runInWorkContext<T>(context: WorkContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentWork(): WorkContext | undefined {
  return storage.getStore();
}

/** The `traceparent` to put on events and outgoing requests made now, if there is a trace. */
export function currentTraceparent(): string | undefined {
  const work = storage.getStore();
  return work ? formatTraceparent(work.trace) : undefined;
}

/** Headers for a call to another service or Odoo: passes the trace and request id on. */
export function outgoingHeaders(): Record<string, string> {
  const work = storage.getStore();
  if (!work) return {};
  return { traceparent: formatTraceparent(work.trace), ...(work.requestId ? { 'x-request-id': work.requestId } : {}) };
}
