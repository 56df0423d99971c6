import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { createLogger } from '../../platform/logger.ts';
import { listen, type RunningHttpServer } from '../../platform/http-server.ts';
import { withRequestSpans } from '../../platform/request-spans.ts';
import { parseTraceparent } from '../../platform/trace-context.ts';
import { flushTracing, openSpan, startTracing, stopTracing, tracesUrlFromEnv } from '../../platform/tracing.ts';
import { currentTraceparent } from '../../platform/work-context.ts';
import { outboxRows } from '../../services/kit/bus/outbox-rows.ts';
import { serviceCompleted } from '../services/finance/events-fixture.ts';
import { startCollector, type ReceivedSpan, type TestCollector } from '../support/otel-collector.ts';

const logger = createLogger({ level: 'silent', format: 'json' });
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

describe('spans without an exporter', () => {
  it('are the trace context they always were: a new span of the parent trace, or a new trace', () => {
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const child = openSpan('x', { role: 'server', scope: 'ficus.test', parent });
    expect(child.trace.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(child.trace.spanId).not.toBe('b7ad6b7169203331');
    const fresh = openSpan('x', { role: 'server', scope: 'ficus.test', parent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' });
    expect(fresh.trace.traceId).not.toBe('00000000000000000000000000000000');
  });

  it('read the standard OTLP endpoint variables', () => {
    expect(tracesUrlFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toBe('http://c:4318/v1/traces');
    expect(tracesUrlFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/x' })).toBe('http://t/x');
    expect(tracesUrlFromEnv({})).toBeUndefined();
  });
});

/**
 * The spans a request makes, as the real OpenTelemetry Collector receives them over OTLP/HTTP:
 * the request's SERVER span continues the client's traceparent, an event published while it runs
 * gets a PRODUCER span under it (and the CloudEvent carries that span's context), and the
 * CONSUMER span of whoever handles the event hangs under the PRODUCER span.
 */
describe('spans exported to a real OpenTelemetry Collector', () => {
  let collector: TestCollector;
  let server: RunningHttpServer;
  beforeAll(async () => {
    collector = await startCollector();
    await startTracing({ serviceName: 'ficus-test', tracesUrl: `${collector.endpoint}/v1/traces` });
    const app = express();
    app.post('/publish', (_req, res) => {
      const { cloudEvents } = outboxRows('trade', [serviceCompleted({ orderId: 1, customerId: 6, healthWorkerId: 3, amount: '99.00', completedAt: '2026-11-01T12:00:00Z' })]);
      res.json({ traceparent: cloudEvents[0]!.traceparent, request: currentTraceparent() });
    });
    withRequestSpans(app, logger, 'ficus.trade');
    server = await listen(app, 0, '127.0.0.1');
  }, 600_000);
  afterAll(async () => {
    await server?.close(1000);
    await stopTracing();
    await collector?.stop();
  });

  it('client → SERVER → PRODUCER → CONSUMER in one trace, each the parent of the next', async () => {
    const client = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const answer = await fetch(`http://127.0.0.1:${server.port}/publish`, { method: 'POST', headers: { traceparent: client } });
    const text = await answer.text();
    expect(answer.status, text).toBe(200);
    const { traceparent } = JSON.parse(text) as { traceparent: string };
    const published = parseTraceparent(traceparent)!;
    const consumed = openSpan('service_completed process', { role: 'consumer', scope: 'ficus.finance', parent: traceparent });
    consumed.end();
    await flushTracing();

    let spans: ReceivedSpan[] = [];
    for (let i = 0; i < 50 && spans.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      spans = (await collector.spans()).filter((s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736');
    }
    const server_ = spans.find((s) => s.kind === SERVER)!;
    const producer = spans.find((s) => s.kind === PRODUCER)!;
    const consumer = spans.find((s) => s.kind === CONSUMER)!;
    expect(server_).toMatchObject({ service: 'ficus-test', scope: 'ficus.trade', parentSpanId: '00f067aa0ba902b7', name: 'POST' });
    expect(server_.attributes).toMatchObject({ 'http.response.status_code': 200, 'url.path': '/publish' });
    expect(producer).toMatchObject({ scope: 'ficus.trade', parentSpanId: server_.spanId, name: 'service_completed publish', spanId: published.spanId });
    expect(consumer).toMatchObject({ scope: 'ficus.finance', parentSpanId: producer.spanId });
  });
});
