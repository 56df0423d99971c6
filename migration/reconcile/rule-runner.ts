import type { Queryable } from '../modules/queryable.ts';
import type { BusinessRule, RuleBreach, TableLocator } from './business-rules.ts';
import { isTableCondition } from './table-failure.ts';

export interface RuleResult {
  id: string;
  title: string;
  description: string;
  /**
   * Which data was checked: the source, the target, the two against each other, or `owners`:
   * each table on its system of record (a rule over tables of modules in different phases).
   */
  side: 'source' | 'target' | 'across' | 'owners';
  status: 'ok' | 'breached' | 'skipped';
  reason?: string;
  breaches: RuleBreach[];
}

/** Rules that concern at least one of the reconciled tables. */
export function rulesFor(rules: readonly BusinessRule[], tables: readonly string[]): BusinessRule[] {
  const wanted = new Set(tables);
  return rules.filter((r) => r.tables.some((t) => wanted.has(t)));
}

/** Why a table cannot be used on a side although a database may hold it (e.g. its module was never backfilled there). */
export type SideUnavailable = Partial<Record<'source' | 'target', (table: string) => string | undefined>>;

/** Whose rows are the truth for a table now (its module's phase): the legacy database (source) or its service (target). */
export type TableOwnerLookup = (table: string) => 'legacy' | 'service';

/**
 * Runs each rule on the source and on the target (or across both). A side that lacks one of a
 * rule's tables skips the rule and says which table was missing, or why it cannot be used (a
 * module not migrated yet: its empty tables would breach every rule): a skipped rule is visible
 * in the report, never silently passed. A rule whose query fails on the data or shape of a side
 * (a column the service's table does not have) is skipped with the database's reason too.
 */
export async function runBusinessRules(
  rules: readonly BusinessRule[],
  sides: { source: TableLocator; target: TableLocator },
  unavailable: SideUnavailable = {},
  ownerOf?: TableOwnerLookup,
): Promise<RuleResult[]> {
  const results: RuleResult[] = [];
  const ownerSide = (t: string): 'source' | 'target' => (ownerOf?.(t) === 'service' ? 'target' : 'source');
  // Each table read where its system of record is: the legacy database, or the service that owns it now.
  const onOwners: TableLocator = (t) => sides[ownerSide(t)](t);
  for (const rule of rules) {
    // A per-side rule over tables whose owners differ (orders cut over to trade, payments still Odoo's) is also
    // checked on the owners' own rows; when one side owns them all, that side's check already is that.
    const mixed = ownerOf !== undefined && new Set(rule.tables.map(ownerSide)).size > 1;
    const checks = rule.scope === 'across' ? (['across'] as const) : mixed ? (['source', 'target', 'owners'] as const) : (['source', 'target'] as const);
    for (const side of checks) {
      const base = { id: rule.id, title: rule.title, description: rule.description, side };
      const needed = (t: string): readonly ('source' | 'target')[] => (side === 'across' ? ['source', 'target'] : side === 'owners' ? [ownerSide(t)] : [side]);
      const notMigrated = rule.tables.flatMap((t) => needed(t).flatMap((s) => unavailable[s]?.(t) ?? []));
      if (notMigrated.length) {
        results.push({ ...base, status: 'skipped', reason: [...new Set(notMigrated)].join('; '), breaches: [] });
        continue;
      }
      const missing = (
        await Promise.all(rule.tables.flatMap((t) => needed(t).map(async (s) => ((await tableExists(sides[s](t), t)) ? null : `${t} (${s})`))))
      ).filter((m): m is string => m !== null);
      if (missing.length) {
        results.push({ ...base, status: 'skipped', reason: `not available: ${missing.join(', ')}`, breaches: [] });
        continue;
      }
      let breaches: RuleBreach[];
      try {
        breaches = side === 'owners'
          ? await rule.check({ source: onOwners, target: onOwners }, 'target')
          : await rule.check(sides, side === 'across' ? 'target' : side);
      } catch (error) {
        if (!isTableCondition(error)) throw error;
        results.push({ ...base, status: 'skipped', reason: `could not be checked: ${(error as Error).message}`, breaches: [] });
        continue;
      }
      results.push({ ...base, status: breaches.length ? 'breached' : 'ok', breaches });
    }
  }
  return results;
}

async function tableExists(db: Queryable | undefined, table: string): Promise<boolean> {
  if (!db) return false;
  try {
    const { rows } = await db.query<{ ok: boolean }>(`SELECT to_regclass(quote_ident($1)) IS NOT NULL AS ok`, [table]);
    return rows[0]?.ok === true;
  } catch (error) {
    // The service owning the table has no database yet (planned, never started): the table is not available there.
    if ((error as { code?: string }).code === '3D000') return false;
    throw error;
  }
}
