import type { ReconcileReport } from '../report-model.ts';
import { countByKind, describeColumns, formatMs, KIND_LABEL, statusText } from './labels.ts';

/** Differing rows printed per table on a terminal. */
const TERMINAL_ROWS = 20;

/** A plain-text report for a terminal: one line per table, then the differing rows and rule breaches. */
export function renderTerminal(report: ReconcileReport): string {
  const lines: string[] = [];
  const s = report.summary;
  lines.push(`reconcile ${report.source} → ${report.targets.join(', ') || '(no target)'}   ${report.status.toUpperCase()}   ${formatMs(report.durationMs)}`);
  lines.push('');
  const header = ['table', 'module', 'source rows', 'target rows', 'missing in target', 'missing in source', 'different', 'status'];
  const rows = report.tables.map((t) => {
    const c = countByKind(t);
    return [t.table, t.module ?? '', String(t.rowsSource), String(t.rowsTarget), String(c['missing-in-target']), String(c['missing-in-source']), String(c.different), statusText(t)];
  });
  lines.push(...alignedTable(header, rows));
  lines.push('');
  for (const t of report.tables) {
    if (t.schema.onlyInSource.length || t.schema.onlyInTarget.length) {
      lines.push(`${t.table}: columns only in source [${t.schema.onlyInSource.join(', ')}], only in target [${t.schema.onlyInTarget.join(', ')}]`);
    }
    if (!t.differences.length && !t.unsettled.length) continue;
    lines.push(`${t.table} (key ${t.keyColumns.join(', ')}):`);
    for (const d of t.differences.slice(0, TERMINAL_ROWS)) lines.push(`  ${d.key.padEnd(12)} ${KIND_LABEL[d.kind].padEnd(18)} ${describeColumns(d)}`);
    if (t.differences.length > TERMINAL_ROWS) lines.push(`  … and ${t.differences.length - TERMINAL_ROWS} more (--format json lists every key)`);
    if (t.unsettled.length) lines.push(`  still being written after the lag window (not counted): ${t.unsettled.slice(0, 20).join(', ')}`);
  }
  if (report.rules.length) {
    lines.push('business rules:');
    for (const r of report.rules) {
      lines.push(`  [${r.status === 'ok' ? 'ok' : r.status === 'skipped' ? 'skipped' : 'BREACHED'}] ${r.side.padEnd(6)} ${r.title}${r.reason ? ` — ${r.reason}` : ''}`);
      for (const b of r.breaches.slice(0, TERMINAL_ROWS)) lines.push(`      ${b.detail}`);
      if (r.breaches.length > TERMINAL_ROWS) lines.push(`      … and ${r.breaches.length - TERMINAL_ROWS} more`);
    }
  }
  if (report.normalisations.length) {
    lines.push('normalised before comparing:');
    for (const n of report.normalisations) lines.push(`  - ${n.description} (${n.columns.length} column${n.columns.length === 1 ? '' : 's'})`);
  }
  lines.push('');
  lines.push(
    `${s.tables} tables, ${s.rowsSource} source rows, ${s.rowsTarget} target rows: ${s.missingInTarget} missing in target, ` +
      `${s.missingInSource} missing in source, ${s.different} different, ${s.unsettled} unsettled, ${s.schemaDifferences} schema differences; ` +
      `${s.rulesChecked} rule checks (${s.rulesSkipped} skipped), ${s.ruleBreaches} breaches`,
  );
  return lines.join('\n');
}

function alignedTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
