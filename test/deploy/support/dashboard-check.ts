import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { startPrometheus } from '../../support/prometheus.ts';

export const DASHBOARD = path.join(PROJECT_ROOT, 'deploy/grafana/dashboards/ficus.json');

interface Panel { title: string; targets: { expr: string }[] }

/** Every panel query of the dashboard, its Grafana variables given the values "All" selects. */
export async function dashboardQueries(): Promise<{ panel: string; expr: string }[]> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Panel[] };
  return dashboard.panels.flatMap((panel) => panel.targets.map((t) => ({ panel: panel.title, expr: t.expr.replaceAll('$service', '.*') })));
}

/** The metric families a query reads (names before a selector, range or bucket suffix). */
export function metricNamesOf(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\b(ficus_[a-z0-9_]+?)(?:_bucket|_sum|_count)?\b(?=\s*[{[)])/g)].map((m) => m[1]!))];
}

export interface DashboardCheck {
  /** Queries Prometheus refused (parse or evaluation errors), with its message. */
  refused: string[];
  /** Metric families the dashboard reads that the running Ficus does not export at all. */
  unknownMetrics: string[];
  /** Panels whose queries all answered with no series although traffic was sent. */
  emptyTrafficPanels: string[];
  /** Prometheus's view of the scrape: `up` and the last scrape error, if any. */
  scrape: { up: number; error: string };
}

/**
 * Runs every query of the Grafana dashboard against a real Prometheus scraping the running
 * Ficus at `gatewayUrl`, after sending it Odoo JSON-RPC and REST traffic: what a dashboard
 * import would show, without Grafana (not installable here).
 */
export async function checkDashboard(gatewayUrl: string, trafficPanels: readonly string[]): Promise<DashboardCheck> {
  const target = new URL(gatewayUrl).host;
  const prometheus = await startPrometheus([target]);
  try {
    const exported = await (await fetch(`${gatewayUrl}/metrics`)).text();
    const queries = await dashboardQueries();
    const unknownMetrics = [...new Set(queries.flatMap((q) => metricNamesOf(q.expr)))].filter((name) => !exported.includes(`# TYPE ${name} `));

    // Prometheus finds its static target a few seconds after it is ready (discovery runs every 5 s).
    await until(async () => (await prometheus.query('up')).length > 0, 30_000);
    // Traffic until the series have two samples each, so that rates have something to work with.
    await until(async () => {
      await sendTraffic(gatewayUrl);
      const samples = await prometheus.query('min(count_over_time(ficus_odoo_calls_total[5m])) and min(count_over_time(ficus_http_requests_total[5m]))');
      return Number(samples[0]?.value[1] ?? 0) >= 2;
    }, 30_000);
    const refused: string[] = [];
    const answered = new Map<string, number>();
    for (const { panel, expr } of queries) {
      try {
        const samples = await prometheus.query(expr);
        answered.set(panel, (answered.get(panel) ?? 0) + samples.length);
      } catch (error) {
        refused.push(String((error as Error).message));
      }
    }
    const up = Number((await prometheus.query('up'))[0]?.value[1] ?? 0);
    const targets = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as { data: { activeTargets: { lastError: string }[] } };
    return { refused, unknownMetrics, emptyTrafficPanels: trafficPanels.filter((panel) => !answered.get(panel)), scrape: { up, error: targets.data.activeTargets[0]?.lastError ?? 'no target' } };
  } finally {
    await prometheus.stop();
  }
}

async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function sendTraffic(gatewayUrl: string): Promise<void> {
  const jsonrpc = (service: string, method: string, args: unknown[]) =>
    fetch(`${gatewayUrl}/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { service, method, args } }) }).then((r) => r.json() as Promise<{ result?: unknown }>);
  const { result: uid } = await jsonrpc('common', 'authenticate', ['hp_legacy', 'admin', 'admin', {}]);
  for (let i = 0; i < 5; i++) {
    await jsonrpc('object', 'execute_kw', ['hp_legacy', uid, 'admin', 'res.partner', 'search_count', [[]]]);
    // Unauthenticated: a 401 problem, still one REST request of the trade service.
    await fetch(`${gatewayUrl}/trade/health-services`);
  }
}
