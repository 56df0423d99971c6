import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../bench/support/free-port.ts';
import { PROJECT_ROOT } from './ficus-process.ts';

/** One span as the collector's file exporter writes it (OTLP JSON: ids in hex, times as strings). */
export interface ReceivedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
}

export interface TestCollector {
  /** The OTLP/HTTP endpoint to give OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  /** Every span received so far. */
  spans(): Promise<ReceivedSpan[]>;
  stop(): Promise<void>;
}

/**
 * The real OpenTelemetry Collector (deploy/otel/collector-build, built once by
 * deploy/otel/otelcol.sh) on a free loopback port, its OTLP/HTTP receiver writing every span to
 * a JSON-lines file this reads back.
 */
export async function startCollector(): Promise<TestCollector> {
  const { stdout } = await promisify(execFile)(path.join(PROJECT_ROOT, 'deploy/otel/otelcol.sh'), ['build'], { timeout: 600_000 });
  const binary = stdout.trim();
  const dir = await mkdtemp(path.join(tmpdir(), 'ficus-otelcol-'));
  const port = await freePort();
  const spansFile = path.join(dir, 'spans.jsonl');
  await writeFile(path.join(dir, 'config.yaml'), `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${port}
exporters:
  file:
    path: ${spansFile}
    flush_interval: 100ms
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file]
`);
  const child = spawn(binary, ['--config', `file:${path.join(dir, 'config.yaml')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the collector did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Everything is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the collector exited (${code}):\n${output}`));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: async () => parseSpans(await readFile(spansFile, 'utf8').catch(() => '')),
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type OtlpValue = { stringValue?: string; intValue?: string; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };

function parseSpans(text: string): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    const batch = JSON.parse(line) as { resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { scope: { name?: string }; spans: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[] }[] }[] }[] };
    for (const resource of batch.resourceSpans) {
      const service = String(attributesOf(resource.resource.attributes)['service.name'] ?? '');
      for (const scoped of resource.scopeSpans) {
        for (const span of scoped.spans) {
          spans.push({ service, scope: scoped.scope.name ?? '', traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? '', name: span.name, kind: span.kind, attributes: attributesOf(span.attributes ?? []) });
        }
      }
    }
  }
  return spans;
}

function attributesOf(list: OtlpAttribute[]): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? value.boolValue ?? value.doubleValue ?? (value.intValue === undefined ? null : Number(value.intValue))]));
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
