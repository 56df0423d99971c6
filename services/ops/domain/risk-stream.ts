import type { RowChange } from '../../kit/index.ts';
import type { RiskSeverity } from '../db/tables.ts';
import { readCondition, type RiskDomain } from './risk-condition.ts';
import { newAlerts, type NewRiskAlert } from './risk-scan.ts';

/** One row change of a watched table as it arrives off the monolith's change stream (the kit's RowChangeFeed). */
export type { RowChange };

/** An active rule as the stream evaluates it. */
export interface StreamRule {
  id: number;
  code: string;
  model_name: string;
  condition: string | null;
  severity: RiskSeverity;
}

/** What stream evaluation works through, given by its host. */
export interface RiskStreamPorts {
  /** The active rules now (hp.risk.rule's `active` filter, where M18's rows live). */
  activeRules(): Promise<readonly StreamRule[]>;
  /** The models stored in `table` (usually one), from the engine's registry. */
  modelsOfTable(table: string): Promise<readonly string[]>;
  /**
   * `self.env[model].search(domain)` as the system (Odoo's superuser: no ACL, no record rules;
   * the active test as search applies it), through the ORM engine, so a rule selects on the
   * stream exactly the records action_scan's search selects.
   */
  search(model: string, domain: RiskDomain): Promise<readonly number[]>;
  /** Which of `ids` each of `ruleIds` has alerted already (where M18's alerts live now), to search only the others. */
  alertedAmong(ruleIds: readonly number[], ids: readonly number[]): Promise<ReadonlyMap<number, ReadonlySet<number>>>;
  /**
   * In one transaction where M18's alerts live: takes each rule's alert lock (risk-scan.ts), then
   * inserts the alerts whose (rule, record) has none yet. Returns those inserted.
   */
  createAlertsOnce(alerts: readonly NewRiskAlert[]): Promise<readonly NewRiskAlert[]>;
}

/** Keyed searches in flight at once (each is a statement of its own on the monolith's pool). */
export const SEARCH_CONCURRENCY = 4;

export interface StreamOutcome {
  /** Row changes looked at (deletes included). */
  changes: number;
  /** Keyed searches run (one per rule whose model changed in the batch). */
  searches: number;
  created: readonly NewRiskAlert[];
  /** Rules whose stored condition is no domain (skipped, as action_scan would fail on them). */
  skippedRules: readonly string[];
}

/**
 * Every active rule against a batch of row changes of its model: one keyed search per rule,
 * `['&', ('id', 'in', changed ids)] + condition`, through the engine's search on the rule's
 * model, so the stream uses the ORM's domain semantics exactly (NULLs, many2one paths, the
 * active test) and evaluates the record as it is now (the newest state, what action_scan would
 * see). Deleted rows match nothing. Alerts are created once per (rule, record), as action_scan's
 * "not already alerted" does, whatever order scans and stream batches come in.
 */
export async function evaluateChanges(ports: RiskStreamPorts, changes: readonly RowChange[]): Promise<StreamOutcome> {
  const changedByTable = new Map<string, Set<number>>();
  for (const change of changes) {
    if (change.op === 'd') continue;
    let ids = changedByTable.get(change.table);
    if (!ids) changedByTable.set(change.table, (ids = new Set()));
    ids.add(change.id);
  }
  const outcome: StreamOutcome = { changes: changes.length, searches: 0, created: [], skippedRules: [] };
  if (!changedByTable.size) return outcome;
  const changedByModel = new Map<string, number[]>();
  for (const [table, ids] of changedByTable) {
    for (const model of await ports.modelsOfTable(table)) changedByModel.set(model, [...ids].sort((a, b) => a - b));
  }
  const wanted: NewRiskAlert[] = [];
  const skipped: string[] = [];
  const due: { rule: StreamRule; domain: RiskDomain; ids: number[] }[] = [];
  for (const rule of await ports.activeRules()) {
    const ids = changedByModel.get(rule.model_name);
    if (!ids) continue;
    const read = readCondition(rule.condition);
    if ('domain' in read) due.push({ rule, domain: read.domain, ids });
    else skipped.push(rule.code);
  }
  // A record a rule has alerted needs no search for that rule (its alert would not be created
  // again): one query for the batch, and only the rest is searched.
  const allIds = [...new Set(due.flatMap((d) => d.ids))];
  const alerted = due.length ? await ports.alertedAmong(due.map((d) => d.rule.id), allIds) : new Map<number, ReadonlySet<number>>();
  let next = 0;
  const searchNext = async (): Promise<void> => {
    while (next < due.length) {
      const { rule, domain, ids } = due[next++]!;
      const done = alerted.get(rule.id);
      const open = done ? ids.filter((id) => !done.has(id)) : ids;
      if (!open.length) continue;
      const matched = await ports.search(rule.model_name, keyedDomain(open, domain));
      outcome.searches += 1;
      wanted.push(...newAlerts(rule, matched, new Set()));
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEARCH_CONCURRENCY, due.length) }, searchNext));
  const created = wanted.length ? await ports.createAlertsOnce(wanted) : [];
  return { ...outcome, created, skippedRules: skipped };
}

/** `[('id', 'in', ids)] + domain`: Odoo ANDs the top-level terms of a domain list. */
export function keyedDomain(ids: readonly number[], domain: RiskDomain): RiskDomain {
  return [['id', 'in', [...ids]], ...domain];
}
