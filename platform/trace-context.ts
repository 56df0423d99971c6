import { randomBytes } from 'node:crypto';

/** W3C Trace Context (https://www.w3.org/TR/trace-context/) `traceparent`, version 00. */
export interface TraceContext {
  traceId: string;
  /** The span of the current unit of work (this request, this event handling). */
  spanId: string;
  flags: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;

/**
 * Continues the caller's trace when its header is valid, otherwise starts a new one; an invalid
 * header is ignored, as the spec asks, rather than rejected.
 */
export function continueTrace(traceparent: string | undefined | null): TraceContext {
  const parent = parseTraceparent(traceparent);
  if (parent) return { ...parent, spanId: newSpanId() };
  return { traceId: randomBytes(16).toString('hex'), spanId: newSpanId(), flags: '01' };
}

/** The caller's context from a `traceparent` header, or undefined for a missing or invalid one. */
export function parseTraceparent(traceparent: string | undefined | null): TraceContext | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (!match || ALL_ZERO.test(match[1]!) || ALL_ZERO.test(match[2]!)) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, flags: match[3]! };
}

/** The header to send downstream: same trace, our span as the parent. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

function newSpanId(): string {
  return randomBytes(8).toString('hex');
}
