import type { ReconcileReport } from '../report-model.ts';
import type { DifferenceKind, RowDifference, TableResult } from '../types.ts';

export const KIND_LABEL: Record<DifferenceKind, string> = {
  'missing-in-target': 'missing in target',
  'missing-in-source': 'missing in source',
  different: 'different',
};

/** How many differing rows a human-facing format lists per table (JSON lists them all). */
export const LISTED_DIFFERENCES = 200;

export function countByKind(table: TableResult): Record<DifferenceKind, number> {
  const counts: Record<DifferenceKind, number> = { 'missing-in-target': 0, 'missing-in-source': 0, different: 0 };
  for (const d of table.differences) counts[d.kind] += 1;
  return counts;
}

/** `note: NULL → 'x'`; values exist only for columns that are neither health data nor secrets. */
export function describeColumns(d: RowDifference): string {
  if (!d.columns?.length) return '';
  return d.columns
    .map((c) => {
      const v = d.values?.[c];
      return v ? `${c}: ${show(v.source)} → ${show(v.target)}` : c;
    })
    .join('; ');
}

function show(value: string | null): string {
  if (value === null) return 'NULL';
  const short = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return `'${short}'`;
}

export function statusText(table: TableResult): string {
  if (table.status === 'skipped') return `skipped (${table.reason ?? ''})`;
  if (table.status === 'failed') return table.reason ?? 'could not be compared';
  if (table.status === 'missing-in-target' || table.status === 'missing-in-source') return `${table.status.replaceAll('-', ' ')} (${table.reason ?? ''})`;
  return table.status;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A count for people: thousands separated (12,345), whatever the machine's locale. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 bisection level`, `3 bisection levels`, with the number formatted. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(n)} ${n === 1 ? singular : pluralForm}`;
}

/** What the command knew beyond the report itself, for its notes. */
export interface RenderContext {
  /** The run was asked not to check business rules (--no-rules). */
  rulesDisabled?: boolean;
  /** Modules left out because their service has no database to compare with, and why. */
  notCompared?: { code: string; technicalName: string; service: string; reason: string }[];
}

/** The verdict in words: `clean`, `differences found`, or `nothing to compare` (no module had a service copy). */
export function verdictText(report: ReconcileReport): string {
  if (report.status !== 'clean') return 'differences found';
  return report.scope && !report.scope.some((m) => m.compared) && !report.tables.length ? 'nothing to compare' : 'clean';
}

/** Per module asked for: what was compared with what, or why it was not compared. */
export function scopeLines(report: ReconcileReport): { compared: string[]; notCompared: string[] } {
  const compared: string[] = [];
  const notCompared: string[] = [];
  for (const m of report.scope ?? []) {
    const tables = report.tables.filter((t) => t.module === m.code).length;
    if (m.compared) compared.push(`${m.code} ${m.technicalName} (${m.service}) — ${m.explanation}; ${plural(tables, 'table')}.`);
    else notCompared.push(`${m.code} ${m.technicalName} (${m.service}) — ${m.finding ? 'DIFFERENCE: ' : ''}${m.explanation}.`);
  }
  return { compared, notCompared };
}

/** One closing sentence a finance reader can quote: what was compared, what was found, what was left out. */
export function verdictSentence(report: ReconcileReport): string {
  const s = report.summary;
  const scope = report.scope;
  const comparedModules = scope ? scope.filter((m) => m.compared).length : report.modules.length;
  const parts: string[] = [];
  if (s.tables) parts.push(`${plural(comparedModules, 'module')} compared (${plural(s.tables, 'table')}, ${plural(s.rowsSource, 'row')} in legacy, ${plural(s.rowsTarget, 'row')} on the service side)`);
  else parts.push(scope ? 'no module asked for has a service copy to compare with the legacy tables' : 'no table compared');
  const differing = s.missingInTarget + s.missingInSource + s.different;
  if (report.status === 'clean') {
    if (s.tables) parts.push('no differences');
  } else {
    const found: string[] = [];
    const unreadable = report.tables.filter((t) => t.status === 'failed').length;
    if (s.tablesWithDifferences > unreadable) found.push(`${plural(s.tablesWithDifferences - unreadable, 'table')} with differences (${plural(differing, 'row')})`);
    if (unreadable) found.push(`${plural(unreadable, 'table')} that could not be compared`);
    if (s.ruleBreaches) found.push(plural(s.ruleBreaches, 'rule breach', 'rule breaches'));
    if (s.missingCopies) found.push(`${plural(s.missingCopies, 'module')} whose phase relies on a service copy that does not exist`);
    parts.push(found.join(', '));
  }
  const leftOut = (s.modulesNotCompared ?? 0) - (s.missingCopies ?? 0);
  if (leftOut > 0) parts.push(`${plural(leftOut, 'module')} not compared (reasons above)`);
  if (s.rulesSkipped) parts.push(`${plural(s.rulesSkipped, 'rule check')} skipped (reasons above)`);
  return `Verdict: ${verdictText(report)} — ${parts.join('; ')}.`;
}

/** Sentences that explain a result a newcomer would otherwise misread. */
export function reportNotes(report: ReconcileReport, context: RenderContext = {}): string[] {
  const notes: string[] = [];
  for (const m of context.notCompared ?? []) notes.push(`${m.code} ${m.technicalName} not compared: ${m.reason}.`);
  for (const m of report.modules) {
    const tables = report.tables.filter((t) => t.module === m.code && t.status !== 'skipped');
    const source = tables.reduce((n, t) => n + t.rowsSource, 0);
    if (tables.length && source > 0 && tables.every((t) => t.rowsTarget === 0)) {
      notes.push(`${m.code} ${m.technicalName}: the service copy (${m.service}) is empty — the module was never backfilled, so every row shows as missing in target. \`ficus migrate backfill ${m.code}\` copies it.`);
    }
  }
  return notes;
}

/** The business-rules section when there is nothing to list. */
export function noRulesText(context: RenderContext = {}): string {
  return context.rulesDisabled ? 'Business rules were not checked (--no-rules).' : 'No business rule concerns these tables.';
}
