import type { ReconcileReport } from '../report-model.ts';
import { count, countByKind, describeColumns, formatMs, KIND_LABEL, LISTED_DIFFERENCES, noRulesText, reportNotes, scopeLines, statusText, verdictSentence, verdictText, type RenderContext } from './labels.ts';

/** A Markdown report, e.g. for a pull request or a ticket. */
export function renderMarkdown(report: ReconcileReport, context: RenderContext = {}): string {
  const s = report.summary;
  const out: string[] = [];
  out.push(`# Reconciliation: ${verdictText(report)}`);
  out.push('');
  out.push(`- source: \`${report.source}\``);
  out.push(`- target: ${report.targets.map((t) => `\`${t}\``).join(', ') || '—'}`);
  out.push(`- modules: ${report.modules.map((m) => `${m.code} ${m.technicalName} (${m.service})`).join(', ') || '—'}`);
  out.push(`- run: ${report.startedAt} – ${report.finishedAt} (${formatMs(report.durationMs)}); lag window ${report.options.lag.lagWindowMs} ms`);
  out.push('');
  out.push('| tables | source rows | target rows | missing in target | missing in source | different | unsettled | schema differences | rule breaches |');
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  out.push(`| ${[s.tables, s.rowsSource, s.rowsTarget, s.missingInTarget, s.missingInSource, s.different, s.unsettled, s.schemaDifferences, s.ruleBreaches].map(count).join(' | ')} |`);
  out.push('');
  out.push(`**${verdictSentence(report)}**`);
  out.push('');
  const scope = scopeLines(report);
  if (scope.compared.length || scope.notCompared.length) {
    out.push('## What was compared');
    out.push('');
    for (const line of scope.compared) out.push(`- compared: ${line}`);
    for (const line of scope.notCompared) out.push(`- not compared: ${line}`);
    out.push('');
  }
  const notes = reportNotes(report, context);
  if (notes.length) out.push(...notes.map((n) => `> ${n}`), '');
  out.push('## Tables');
  out.push('');
  out.push('| table | module | target | source rows | target rows | missing in target | missing in source | different | status |');
  out.push('|---|---|---|---:|---:|---:|---:|---:|---|');
  for (const t of report.tables) {
    const c = countByKind(t);
    out.push(`| ${t.table} | ${t.module ?? ''} | ${t.targetLabel} | ${count(t.rowsSource)} | ${count(t.rowsTarget)} | ${count(c['missing-in-target'])} | ${count(c['missing-in-source'])} | ${count(c.different)} | ${cell(statusText(t))} |`);
  }
  for (const t of report.tables.filter((t) => t.differences.length || t.unsettled.length || t.schema.onlyInSource.length || t.schema.onlyInTarget.length)) {
    out.push('');
    out.push(`### ${t.table}`);
    out.push('');
    if (t.schema.onlyInSource.length || t.schema.onlyInTarget.length) {
      out.push(`Columns only in source: ${t.schema.onlyInSource.join(', ') || '—'}; only in target: ${t.schema.onlyInTarget.join(', ') || '—'}.`);
      out.push('');
    }
    if (t.differences.length) {
      out.push(`| ${t.keyColumns.join(', ')} | difference | columns |`);
      out.push('|---|---|---|');
      for (const d of t.differences.slice(0, LISTED_DIFFERENCES)) out.push(`| ${d.key} | ${KIND_LABEL[d.kind]} | ${cell(describeColumns(d))} |`);
      if (t.differences.length > LISTED_DIFFERENCES) out.push(`\n… and ${count(t.differences.length - LISTED_DIFFERENCES)} more; the JSON report lists every key.`);
    }
    if (t.unsettled.length) out.push(`\nStill being written after the lag window (not counted): ${t.unsettled.join(', ')}`);
  }
  out.push('');
  out.push('## Business rules');
  out.push('');
  if (!report.rules.length) out.push(noRulesText(context));
  for (const r of report.rules) {
    out.push(`- **${r.status === 'breached' ? 'BREACHED' : r.status}** (${r.side}) — ${r.title}. ${r.description}${r.reason ? ` _${r.reason}_` : ''}`);
    for (const b of r.breaches.slice(0, LISTED_DIFFERENCES)) out.push(`  - ${b.detail} — ids ${idsText(b.ids)}`);
  }
  out.push('');
  out.push('## Normalisation before comparing');
  out.push('');
  if (!report.normalisations.length) out.push('None.');
  for (const n of report.normalisations) out.push(`- ${n.description}: ${n.columns.join(', ')}`);
  out.push('');
  out.push('Values of personal health data columns and secrets are never shown; only their names.');
  return out.join('\n') + '\n';
}

export function idsText(ids: Record<string, number[]>): string {
  return Object.entries(ids).map(([table, list]) => `${table} ${list.join(', ') || '—'}`).join('; ');
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
