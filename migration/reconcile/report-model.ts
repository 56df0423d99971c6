import { RULE_DESCRIPTIONS, type NormalisationNote, type NormalisationRule } from './normalisation.ts';
import type { ModuleScope } from './module-copies.ts';
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
  /** The modules compared. */
  modules: { code: string; technicalName: string; service: string }[];
  /**
   * Every module asked for, compared or not, with what was compared or why nothing was (absent
   * when one target database was given for every table: then everything named is compared).
   */
  scope?: ModuleScope[];
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
  /** Modules asked for and left out for want of a service copy (absent in reports before this count existed). */
  modulesNotCompared?: number;
  /** Modules whose phase relies on a service copy that does not exist: differences too. */
  missingCopies?: number;
}

export function summarise(tables: TableResult[], rules: RuleResult[], scope: readonly ModuleScope[] = []): ReportSummary {
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
    modulesNotCompared: scope.filter((m) => !m.compared).length,
    missingCopies: scope.filter((m) => m.finding).length,
  };
}

export function isClean(summary: ReportSummary): boolean {
  return summary.tablesWithDifferences === 0 && summary.ruleBreaches === 0 && !summary.missingCopies;
}

/**
 * `ficus reconcile`'s exit code for a finished run: 0 clean (including "nothing to compare"), 1
 * differences. 2 is only for a run that could not be made (bad arguments, a database out of
 * reach), never for what the data holds.
 */
export function exitCodeOf(report: ReconcileReport): 0 | 1 {
  return report.status === 'clean' ? 0 : 1;
}

export function groupNormalisations(notes: NormalisationNote[], options: NormalisationOptions): ReconcileReport['normalisations'] {
  const byRule = new Map<NormalisationRule, string[]>();
  for (const note of notes) byRule.set(note.rule, [...(byRule.get(note.rule) ?? []), note.column]);
  return [...byRule].map(([rule, columns]) => ({ rule, description: RULE_DESCRIPTIONS[rule](options), columns }));
}
