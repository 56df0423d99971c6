import { RULE_DESCRIPTIONS, type NormalisationNote, type NormalisationRule } from './normalisation.ts';
import type { RuleResult } from './rule-runner.ts';
import type { LagOptions, NormalisationOptions, TableResult } from './types.ts';

/** What one reconciliation run found; every output format (terminal, JSON, Markdown, HTML) renders this. */
export interface ReconcileReport {
  kind: 'ficus-reconcile-report';
  version: 1;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  source: string;
  /** Target databases used (one per service unless a single target was given). */
  targets: string[];
  modules: { code: string; technicalName: string; service: string }[];
  options: { normalisation: NormalisationOptions; lag: LagOptions };
  /** Normalisations applied, each with the columns it touched. */
  normalisations: { rule: NormalisationRule; description: string; columns: string[] }[];
  tables: TableResult[];
  rules: RuleResult[];
  summary: ReportSummary;
  status: 'clean' | 'differences';
}

export interface ReportSummary {
  tables: number;
  tablesWithDifferences: number;
  rowsSource: number;
  rowsTarget: number;
  missingInTarget: number;
  missingInSource: number;
  different: number;
  unsettled: number;
  schemaDifferences: number;
  rulesChecked: number;
  rulesSkipped: number;
  ruleBreaches: number;
}

export function summarise(tables: TableResult[], rules: RuleResult[]): ReportSummary {
  const count = (kind: string) => tables.reduce((n, t) => n + t.differences.filter((d) => d.kind === kind).length, 0);
  return {
    tables: tables.length,
    tablesWithDifferences: tables.filter((t) => t.status !== 'clean' && t.status !== 'skipped').length,
    rowsSource: tables.reduce((n, t) => n + t.rowsSource, 0),
    rowsTarget: tables.reduce((n, t) => n + t.rowsTarget, 0),
    missingInTarget: count('missing-in-target'),
    missingInSource: count('missing-in-source'),
    different: count('different'),
    unsettled: tables.reduce((n, t) => n + t.unsettled.length, 0),
    schemaDifferences: tables.reduce((n, t) => n + t.schema.onlyInSource.length + t.schema.onlyInTarget.length, 0),
    rulesChecked: rules.filter((r) => r.status !== 'skipped').length,
    rulesSkipped: rules.filter((r) => r.status === 'skipped').length,
    ruleBreaches: rules.reduce((n, r) => n + r.breaches.length, 0),
  };
}

export function isClean(summary: ReportSummary): boolean {
  return summary.tablesWithDifferences === 0 && summary.ruleBreaches === 0;
}

export function groupNormalisations(notes: NormalisationNote[], options: NormalisationOptions): ReconcileReport['normalisations'] {
  const byRule = new Map<NormalisationRule, string[]>();
  for (const note of notes) byRule.set(note.rule, [...(byRule.get(note.rule) ?? []), note.column]);
  return [...byRule].map(([rule, columns]) => ({ rule, description: RULE_DESCRIPTIONS[rule](options), columns }));
}
