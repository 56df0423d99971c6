import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace as otelTrace, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { continueTrace, parseTraceparent, type TraceContext } from './trace-context.ts';
import { currentWork } from './work-context.ts';

/**
 * OpenTelemetry traces, exported over OTLP/HTTP when an endpoint is configured (the standard
 * OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): a span per HTTP request, Odoo
 * call, event published, event handled and saga run, linked through W3C `traceparent` (HTTP
 * headers, CloudEvents, saga rows), so one trace follows a request from the gateway through a
 * service, the bus and its consumers. Without an endpoint nothing is recorded and a span is only
 * the trace context it always was (trace-context.ts): the ids still reach logs and events.
 */
let provider: TracerProvider | undefined;

export interface TracingSettings {
  /** `service.name` of this process (the gateway in embedded mode; `ficus-<service>` for `ficus serve`). */
  serviceName: string;
  /** OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces. */
  tracesUrl: string;
  /** Resource attributes besides the service name (version, instance id). */
  attributes?: Attributes;
}

/** The OTLP traces URL the environment configures, if any (the exporter's standard variables). */
export function tracesUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (own) return own;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/** Starts exporting spans for this process; a second call replaces the first exporter. */
export async function startTracing(settings: TracingSettings): Promise<void> {
  await stopTracing();
  provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, ...settings.attributes }),
    // Batches every 200 ms: a trace reaches the collector about as fast as a log line.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings.tracesUrl }), scheduledDelayMillis: 200 })],
  });
}

/** Sends what is buffered and stops exporting (process shutdown). */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  provider = undefined;
  await stopping?.shutdown();
}

/** Sends what is buffered now (tests, and before a deliberate exit). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

export type SpanRole = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
const KINDS: Record<SpanRole, SpanKind> = {
  server: SpanKind.SERVER, client: SpanKind.CLIENT, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER, internal: SpanKind.INTERNAL,
};

export interface SpanOptions {
  role: SpanRole;
  /** The instrumentation scope: `ficus.gateway`, `ficus.<service>`, `ficus.bus`. */
  scope: string;
  /** A `traceparent` (header, CloudEvent, saga row) or context; unset: the current unit of work's. */
  parent?: string | TraceContext | null;
  attributes?: Attributes;
}

/** A unit of work's span: its trace context (what logs, events and outgoing calls carry) and its end. */
export interface WorkSpan {
  readonly trace: TraceContext;
  setAttributes(attributes: Attributes): void;
  /** Ends the span; an error marks it failed (its class only: messages may carry personal data). */
  end(error?: unknown): void;
}

/**
 * Opens a span named `name`. With tracing off it records nothing and its context is a new span
 * of the parent's trace, as continueTrace always made.
 */
export function openSpan(name: string, options: SpanOptions): WorkSpan {
  const parent = typeof options.parent === 'string' || options.parent == null
    ? parseTraceparent(options.parent) ?? (options.parent === undefined ? currentWork()?.trace : undefined)
    : options.parent;
  if (!provider) return { trace: continueTrace(parent ? `00-${parent.traceId}-${parent.spanId}-${parent.flags}` : null), setAttributes() {}, end() {} };
  const context = parent
    ? otelTrace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.spanId, traceFlags: Number.parseInt(parent.flags, 16), isRemote: true })
    : ROOT_CONTEXT;
  const span = provider.getTracer(options.scope).startSpan(name, { kind: KINDS[options.role], attributes: options.attributes }, context);
  const own = span.spanContext();
  return {
    trace: { traceId: own.traceId, spanId: own.spanId, flags: own.traceFlags.toString(16).padStart(2, '0') },
    setAttributes: (attributes) => void span.setAttributes(attributes),
    end: (error) => endSpan(span, error),
  };
}

function endSpan(span: Span, error: unknown): void {
  if (error !== undefined) {
    const type = error instanceof Error ? error.constructor.name : typeof error;
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  }
  span.end();
}

/** Whether spans are exported (hot paths skip making them otherwise). */
export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Starts tracing when the environment names an OTLP endpoint; says whether it did. */
export async function startTracingFromEnv(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const tracesUrl = tracesUrlFromEnv(env);
  if (!tracesUrl) return false;
  await startTracing({ serviceName: env.OTEL_SERVICE_NAME?.trim() || serviceName, tracesUrl });
  return true;
}
