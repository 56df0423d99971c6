import type { ReconcileReport } from '../report-model.ts';
import { count, countByKind, describeColumns, formatMs, KIND_LABEL, noRulesText, plural, reportNotes, scopeLines, statusText, verdictSentence, verdictText, type RenderContext } from './labels.ts';

/** Differing rows printed per table on a terminal. */
const TERMINAL_ROWS = 20;

/** A plain-text report for a terminal: one line per table, then the differing rows and rule breaches. */
export function renderTerminal(report: ReconcileReport, context: RenderContext = {}): string {
  const lines: string[] = [];
  const s = report.summary;
  lines.push(`reconcile ${report.source} → ${report.targets.join(', ') || '(no target)'}   ${verdictText(report).toUpperCase()}   ${formatMs(report.durationMs)}`);
  lines.push('');
  const scope = scopeLines(report);
  if (scope.compared.length) lines.push('compared:', ...scope.compared.map((l) => `  ${l}`), '');
  if (scope.notCompared.length) lines.push('not compared:', ...scope.notCompared.map((l) => `  ${l}`), '');
  const header = ['table', 'module', 'source rows', 'target rows', 'missing in target', 'missing in source', 'different', 'status'];
  const rows = report.tables.map((t) => {
    const c = countByKind(t);
    return [t.table, t.module ?? '', count(t.rowsSource), count(t.rowsTarget), count(c['missing-in-target']), count(c['missing-in-source']), count(c.different), statusText(t)];
  });
  if (rows.length) lines.push(...alignedTable(header, rows), '');
  for (const t of report.tables) {
    if (t.schema.onlyInSource.length || t.schema.onlyInTarget.length) {
      lines.push(`${t.table}: columns only in source [${t.schema.onlyInSource.join(', ')}], only in target [${t.schema.onlyInTarget.join(', ')}]`);
    }
    if (!t.differences.length && !t.unsettled.length) continue;
    lines.push(`${t.table} (key ${t.keyColumns.join(', ')}):`);
    for (const d of t.differences.slice(0, TERMINAL_ROWS)) lines.push(`  ${d.key.padEnd(12)} ${KIND_LABEL[d.kind].padEnd(18)} ${describeColumns(d)}`);
    if (t.differences.length > TERMINAL_ROWS) lines.push(`  … and ${count(t.differences.length - TERMINAL_ROWS)} more (--format json lists every key)`);
    if (t.unsettled.length) lines.push(`  still being written after the lag window (not counted): ${t.unsettled.slice(0, 20).join(', ')}`);
  }
  if (!report.rules.length) lines.push(noRulesText(context));
  if (report.rules.length) {
    lines.push('business rules:');
    for (const r of report.rules) {
      lines.push(`  [${r.status === 'ok' ? 'ok' : r.status === 'skipped' ? 'skipped' : 'BREACHED'}] ${r.side.padEnd(6)} ${r.title}${r.reason ? ` — ${r.reason}` : ''}`);
      for (const b of r.breaches.slice(0, TERMINAL_ROWS)) lines.push(`      ${b.detail}`);
      if (r.breaches.length > TERMINAL_ROWS) lines.push(`      … and ${count(r.breaches.length - TERMINAL_ROWS)} more`);
    }
  }
  if (report.normalisations.length) {
    lines.push('normalised before comparing:');
    for (const n of report.normalisations) lines.push(`  - ${n.description} (${plural(n.columns.length, 'column')})`);
  }
  const notes = reportNotes(report, context);
  if (notes.length) lines.push('', 'notes:', ...notes.map((n) => `  - ${n}`));
  lines.push('');
  lines.push(
    `${plural(s.tables, 'table')}, ${plural(s.rowsSource, 'source row')}, ${plural(s.rowsTarget, 'target row')}: ${count(s.missingInTarget)} missing in target, ` +
      `${count(s.missingInSource)} missing in source, ${count(s.different)} different, ${count(s.unsettled)} unsettled, ${plural(s.schemaDifferences, 'schema difference')}; ` +
      `${plural(s.rulesChecked, 'rule check')} (${count(s.rulesSkipped)} skipped), ${plural(s.ruleBreaches, 'breach', 'breaches')}`,
  );
  lines.push(verdictSentence(report));
  return lines.join('\n');
}

function alignedTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
