import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarise, type ReconcileReport } from '../../migration/reconcile/report-model.ts';
import { renderHtml, renderMarkdown, renderTerminal } from '../../migration/reconcile/report/index.ts';
import { binKeys, binOf, BINS, differenceChart } from '../../migration/reconcile/report/svg-chart.ts';
import type { TableResult } from '../../migration/reconcile/types.ts';

function table(overrides: Partial<TableResult> = {}): TableResult {
  return {
    table: 'service_orders', targetTable: 'service_orders', module: 'M04', targetLabel: '127.0.0.1:5432/svc_trade', status: 'clean',
    keyColumns: ['id'], rowsSource: 0, rowsTarget: 0, keyRange: null, chunkSpan: 1000, chunksCompared: 1, chunksDiffering: 0,
    bisectionLevels: 0, rowsFetched: 0, schema: { onlyInSource: [], onlyInTarget: [], comparedColumns: ['id'] }, differences: [], unsettled: [],
    timingsMs: { checksum: 1, bisect: 0, rows: 0, recheck: 0, total: 1 }, ...overrides,
  };
}

function report(tables: TableResult[]): ReconcileReport {
  const summary = summarise(tables, []);
  return {
    kind: 'ficus-reconcile-report', version: 1, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', durationMs: 1000,
    source: 'legacy', targets: ['svc_trade'], modules: [{ code: 'M04', technicalName: 'hp_marketplace', service: 'trade' }],
    options: { normalisation: { timestampPrecision: 'millisecond', numericScale: null, nullEqualsEmpty: [], ignoreColumns: [] }, lag: { lagWindowMs: 0 } },
    normalisations: [], tables, rules: [], summary, status: summary.tablesWithDifferences ? 'differences' : 'clean',
  } as unknown as ReconcileReport;
}

const missing = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ key: String(from + i), kind: 'missing-in-target' as const }));

describe('reconcile report: chart ranges', () => {
  it('every key is counted in the bar whose tooltip range holds it, and the ranges tile the key range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1_000_000 }), fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (min, width, at) => {
        const range = { min, max: min + width };
        const span = width + 1;
        const key = min + Math.floor(at * width);
        const { lo, hi } = binKeys(range, span, binOf(range, span, key));
        expect(lo).toBeLessThanOrEqual(key);
        expect(hi).toBeGreaterThanOrEqual(key);
        let next = range.min;
        for (let i = 0; i < BINS; i++) {
          const bin = binKeys(range, span, i);
          if (bin.lo > bin.hi) continue; // an empty bar (fewer keys than bars)
          expect(bin.lo).toBe(next);
          next = bin.hi + 1;
        }
        expect(next).toBe(range.max + 1);
      }),
    );
  });

  it('tooltips never show a reversed range, and name a single key as one', () => {
    const small = differenceChart(table({ status: 'differences', keyRange: { min: 1, max: 33 }, differences: missing(1, 33) }));
    const titles = [...small.matchAll(/<title>(key[^<]*)<\/title>/g)].map((m) => m[1]!);
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) {
      const range = /keys (\d+)–(\d+)/.exec(t);
      if (range) expect(Number(range[1])).toBeLessThan(Number(range[2]));
    }
    expect(titles).toContain('key 1: 1 missing in target');
    expect(titles.join('\n')).not.toMatch(/keys 1–0|keys 1–33: 34/);
    const counted = titles.reduce((n, t) => n + Number(/: (\d+) /.exec(t)![1]), 0);
    expect(counted).toBe(33);
  });
});

describe('reconcile report: words and numbers for people', () => {
  const big = table({ status: 'differences', rowsSource: 12_345, rowsTarget: 0, keyRange: { min: 1, max: 12_345 }, bisectionLevels: 1, chunksCompared: 1, differences: missing(1, 1500) });

  it('thousands separators, singular and plural, and a hint for a copy never backfilled', () => {
    const html = renderHtml(report([big]));
    expect(html).toContain('12,345');
    expect(html).toContain('1 bisection level ·');
    expect(html).not.toContain('1 bisection levels');
    expect(html).toContain('never backfilled');
    expect(html).toContain('ficus migrate backfill M04');
    const text = renderTerminal(report([big]));
    expect(text).toContain('1 table, 12,345 source rows, 0 target rows: 1,500 missing in target');
    expect(renderMarkdown(report([big]))).toContain('| 1 | 12,345 | 0 | 1,500 |');
  });

  it('--no-rules says the rules were not checked; without rules for the tables it says so', () => {
    const clean = report([table({ rowsSource: 3, rowsTarget: 3 })]);
    expect(renderHtml(clean, { rulesDisabled: true })).toContain('Business rules were not checked (--no-rules).');
    expect(renderMarkdown(clean, { rulesDisabled: true })).toContain('Business rules were not checked (--no-rules).');
    expect(renderTerminal(clean)).toContain('No business rule concerns these tables.');
    expect(renderHtml(clean)).not.toContain('never backfilled');
  });

  it('modules left out for want of a service copy are explained', () => {
    const html = renderHtml(report([table()]), { notCompared: [{ code: 'M01', technicalName: 'hp_account', service: 'auth', reason: 'its service auth is planned, not built yet' }] });
    expect(html).toContain('M01 hp_account not compared: its service auth is planned, not built yet.');
  });
});
