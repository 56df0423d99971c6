import type { Queryable } from '../modules/queryable.ts';
import type { BusinessRule, RuleBreach, TableLocator } from './business-rules.ts';

export interface RuleResult {
  id: string;
  title: string;
  description: string;
  /** Which data was checked: the source, the target, or the two against each other. */
  side: 'source' | 'target' | 'across';
  status: 'ok' | 'breached' | 'skipped';
  reason?: string;
  breaches: RuleBreach[];
}

/** Rules that concern at least one of the reconciled tables. */
export function rulesFor(rules: readonly BusinessRule[], tables: readonly string[]): BusinessRule[] {
  const wanted = new Set(tables);
  return rules.filter((r) => r.tables.some((t) => wanted.has(t)));
}

/**
 * Runs each rule on the source and on the target (or across both). A side that lacks one of a
 * rule's tables skips the rule and says which table was missing: a skipped rule is visible in
 * the report, never silently passed.
 */
export async function runBusinessRules(
  rules: readonly BusinessRule[],
  sides: { source: TableLocator; target: TableLocator },
): Promise<RuleResult[]> {
  const results: RuleResult[] = [];
  for (const rule of rules) {
    const checks = rule.scope === 'across' ? (['across'] as const) : (['source', 'target'] as const);
    for (const side of checks) {
      const base = { id: rule.id, title: rule.title, description: rule.description, side };
      const needed = side === 'across' ? (['source', 'target'] as const) : [side];
      const missing = (
        await Promise.all(needed.flatMap((s) => rule.tables.map(async (t) => ((await tableExists(sides[s](t), t)) ? null : `${t} (${s})`))))
      ).filter((m): m is string => m !== null);
      if (missing.length) {
        results.push({ ...base, status: 'skipped', reason: `not available: ${missing.join(', ')}`, breaches: [] });
        continue;
      }
      const breaches = await rule.check(sides, side === 'across' ? 'target' : side);
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
