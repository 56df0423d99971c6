import type { ReconcileReport } from '../report-model.ts';
import type { TableResult } from '../types.ts';
import { count, countByKind, describeColumns, formatMs, KIND_LABEL, LISTED_DIFFERENCES, noRulesText, plural, reportNotes, scopeLines, statusText, verdictSentence, verdictText, type RenderContext } from './labels.ts';
import { idsText } from './markdown.ts';
import { differenceChart, esc, KIND_COLOURS } from './svg-chart.ts';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#1f2328;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:20px 0 6px}.muted{color:#656d76;fill:#656d76}.axis{font-size:11px;fill:#656d76}
.status{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.status.clean{background:#2da44e}.status.differences{background:#cf222e}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}.card{border:1px solid #d0d7de;border-radius:8px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.n{text-align:right;font-variant-numeric:tabular-nums}tr.bad td{background:#fff5f5}
.kind{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:middle}
code{background:#f6f8fa;padding:1px 4px;border-radius:4px}.rule-ok{color:#1a7f37}.rule-breached{color:#cf222e;font-weight:600}.rule-skipped{color:#9a6700}
.notes{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:8px 8px 8px 28px}
`;

/**
 * One self-contained HTML file: inline CSS, one inline SVG chart per table, no script, no
 * external asset, so it can be mailed or archived. Values appear only for columns that are
 * neither personal health data nor secrets (the report never receives the others).
 */
export function renderHtml(report: ReconcileReport, context: RenderContext = {}): string {
  const s = report.summary;
  const legend = (Object.keys(KIND_COLOURS) as (keyof typeof KIND_COLOURS)[])
    .map((k) => `<span><span class="kind" style="background:${KIND_COLOURS[k]}"></span>${esc(KIND_LABEL[k])}</span>`)
    .join(' &nbsp; ');
  const card = (label: string, value: number) => `<div class="card"><b>${esc(count(value))}</b><span class="muted">${esc(label)}</span></div>`;
  const notes = reportNotes(report, context);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Ficus reconciliation — ${esc(report.status)}</title><style>${CSS}</style></head>
<body>
<section id="summary">
<h1>Reconciliation <span class="status ${report.status}">${esc(verdictText(report))}</span></h1>
<div class="muted">source <code>${esc(report.source)}</code> → target ${report.targets.map((t) => `<code>${esc(t)}</code>`).join(', ') || '—'} ·
${esc(report.startedAt)} · ${esc(formatMs(report.durationMs))} · lag window ${report.options.lag.lagWindowMs} ms</div>
<div class="muted">modules: ${esc(report.modules.map((m) => `${m.code} ${m.technicalName} (${m.service})`).join(', ') || '—')}</div>
<p><b>${esc(verdictSentence(report))}</b></p>
${scopeList(report)}
${notes.length ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<div class="cards">
${card('tables', s.tables)}${card('tables with differences', s.tablesWithDifferences)}${card('source rows', s.rowsSource)}${card('target rows', s.rowsTarget)}
${card('missing in target', s.missingInTarget)}${card('missing in source', s.missingInSource)}${card('different', s.different)}
${card('unsettled (lag)', s.unsettled)}${card('schema differences', s.schemaDifferences)}${card('rule breaches', s.ruleBreaches)}
</div>
<table><thead><tr><th>table</th><th>module</th><th>target</th><th>source rows</th><th>target rows</th><th>missing in target</th><th>missing in source</th><th>different</th><th>status</th><th>time</th></tr></thead><tbody>
${report.tables.map(tableRow).join('\n')}
</tbody></table>
</section>
<section id="rules"><h2>Business rules</h2>
${report.rules.length ? report.rules.map(ruleBlock).join('\n') : `<p class="muted">${esc(noRulesText(context))}</p>`}
</section>
<section id="tables"><h2>Tables</h2><p>${legend}</p>
${report.tables.map(tableSection).join('\n')}
</section>
<section id="normalisation"><h2>Normalisation before comparing</h2>
${report.normalisations.length ? `<ul>${report.normalisations.map((n) => `<li>${esc(n.description)}: <span class="muted">${esc(n.columns.join(', '))}</span></li>`).join('')}</ul>` : '<p class="muted">None.</p>'}
<p class="muted">Values of personal health data columns and secrets are never shown; only their names.</p>
</section>
</body></html>
`;
}

function scopeList(report: ReconcileReport): string {
  const { compared, notCompared } = scopeLines(report);
  if (!compared.length && !notCompared.length) return '';
  const items = [...compared.map((l) => `<li>compared: ${esc(l)}</li>`), ...notCompared.map((l) => `<li>not compared: ${esc(l)}</li>`)];
  return `<h2>What was compared</h2><ul class="scope">${items.join('')}</ul>`;
}

function tableRow(t: TableResult): string {
  const c = countByKind(t);
  return `<tr class="${t.status === 'clean' || t.status === 'skipped' ? '' : 'bad'}"><td><a href="#t-${esc(t.table)}">${esc(t.table)}</a></td><td>${esc(t.module ?? '')}</td><td>${esc(t.targetLabel)}</td>` +
    `<td class="n">${count(t.rowsSource)}</td><td class="n">${count(t.rowsTarget)}</td><td class="n">${count(c['missing-in-target'])}</td><td class="n">${count(c['missing-in-source'])}</td>` +
    `<td class="n">${count(c.different)}</td><td>${esc(statusText(t))}</td><td class="n">${esc(formatMs(t.timingsMs.total))}</td></tr>`;
}

function tableSection(t: TableResult): string {
  const rows = t.differences.slice(0, LISTED_DIFFERENCES).map(
    (d) => `<tr class="diff-row"><td>${esc(d.key)}</td><td><span class="kind" style="background:${KIND_COLOURS[d.kind]}"></span>${esc(KIND_LABEL[d.kind])}</td><td>${esc(describeColumns(d))}</td></tr>`,
  );
  const more = t.differences.length > LISTED_DIFFERENCES ? `<p class="muted">… and ${count(t.differences.length - LISTED_DIFFERENCES)} more; the JSON report lists every key.</p>` : '';
  const schema = t.schema.onlyInSource.length || t.schema.onlyInTarget.length
    ? `<p>Columns only in source: ${esc(t.schema.onlyInSource.join(', ') || '—')}; only in target: ${esc(t.schema.onlyInTarget.join(', ') || '—')}.</p>`
    : '';
  const unsettled = t.unsettled.length ? `<p class="muted">Still being written after the lag window (not counted): ${esc(t.unsettled.join(', '))}</p>` : '';
  return `<div class="table-section" id="t-${esc(t.table)}"><h3>${esc(t.table)} <span class="muted">${esc(statusText(t))}</span></h3>
<p class="muted">key ${esc(t.keyColumns.join(', '))} · ${plural(t.chunksCompared, 'chunk')} of span ${count(t.chunkSpan)}, ${count(t.chunksDiffering)} differing · ${plural(t.bisectionLevels, 'bisection level')} · ${plural(t.rowsFetched, 'row')} compared one by one</p>
${differenceChart(t)}${schema}${unsettled}
${rows.length ? `<table class="diffs"><thead><tr><th>${esc(t.keyColumns.join(', '))}</th><th>difference</th><th>columns (source → target)</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : ''}${more}</div>`;
}

function ruleBlock(r: ReconcileReport['rules'][number]): string {
  const breaches = r.breaches.slice(0, LISTED_DIFFERENCES).map((b) => `<li>${esc(b.detail)} <span class="muted">(${esc(idsText(b.ids))})</span></li>`);
  return `<div class="rule"><p><span class="rule-${r.status}">${esc(r.status === 'breached' ? `BREACHED ×${r.breaches.length}` : r.status)}</span> · ${esc(r.side)} · <b>${esc(r.title)}</b><br><span class="muted">${esc(r.description)}${r.reason ? ` — ${esc(r.reason)}` : ''}</span></p>${breaches.length ? `<ul>${breaches.join('')}</ul>` : ''}</div>`;
}
