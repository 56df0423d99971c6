import type pg from 'pg';
import { MODEL_SHAPES, ownersOf, ownGroups, rowsOf, type Attempt } from './isolation-calls.ts';
import type { M02Model } from './isolation-stack.ts';
import { ACCESS_ERROR, type OdooAnswer } from './odoo-protocols.ts';

/** Why an answer breaks isolation (or answers something else than the attempt expects), or null when it holds. */
export async function isolationBreach(
  pool: pg.Pool, model: M02Model, attempt: Attempt, answer: OdooAnswer, who: { attacker: number; victim: number }, victimRowsBefore: unknown[],
): Promise<string | null> {
  const victimRowsAfter = await rowsOf(pool, model, who.victim);
  if (JSON.stringify(victimRowsAfter) !== JSON.stringify(victimRowsBefore)) return `the victim's ${model} rows changed: ${answer.raw.slice(0, 300)}`;
  if (attempt.expect === 'refused') {
    if (answer.ok) return `answered instead of refusing: ${answer.raw.slice(0, 300)}`;
    return answer.error === ACCESS_ERROR ? null : `refused with ${answer.error} instead of an AccessError: ${answer.raw.slice(0, 300)}`;
  }
  if (!answer.ok) return `failed (${answer.error}) where an answer was due: ${answer.raw.slice(0, 300)}`;
  const result = answer.result;
  if (attempt.expect === 'empty') {
    const empty = result === 0 || (Array.isArray(result) && result.length === 0);
    return empty ? null : `answered rows of the victim: ${answer.raw.slice(0, 300)}`;
  }
  if (!Array.isArray(result)) return `answered ${answer.raw.slice(0, 200)} where a list was due`;
  if (attempt.method === 'read_group') {
    const groups = result as Record<string, unknown>[];
    if (attempt.expect === 'own') {
      const others = groups.filter((g) => !Array.isArray(g.user_id) || g.user_id[0] !== who.attacker);
      return others.length ? `groups of other users: ${JSON.stringify(others).slice(0, 300)}` : null;
    }
    return aggregateBreach(pool, model, groups, who.attacker);
  }
  const ids = result.map((r) => (typeof r === 'number' ? r : Array.isArray(r) ? (r[0] as number) : (r as { id: number }).id));
  const owners = await ownersOf(pool, model, ids);
  if (owners.length !== ids.length) return `answered ids that are not rows: ${answer.raw.slice(0, 300)}`;
  const foreign = owners.filter((o) => o !== who.attacker);
  return foreign.length ? `answered ${foreign.length} rows of users ${[...new Set(foreign)].join(', ')}` : null;
}

/** Each group's count and sum must be the attacker's own, as SQL computes them over its rows alone. */
async function aggregateBreach(pool: pg.Pool, model: M02Model, groups: Record<string, unknown>[], attacker: number): Promise<string | null> {
  const shape = MODEL_SHAPES[model];
  const own = await ownGroups(pool, model, attacker);
  const answered = new Map(groups.map((g) => [String(g[shape.groupBy]), { count: Number(g[`${shape.groupBy}_count`]), sum: shape.sum ? Number(g[shape.sum] ?? 0) : 0 }]));
  if (answered.size !== own.size) return `${answered.size} groups where the attacker's rows make ${own.size}: ${JSON.stringify(groups).slice(0, 300)}`;
  for (const [key, expected] of own) {
    const got = answered.get(key);
    if (!got) return `no group ${key} of the attacker's`;
    if (got.count !== expected.count) return `group ${key} counts ${got.count} rows, the attacker has ${expected.count}`;
    if (Math.abs(got.sum - expected.sum) > 1e-6 * Math.max(1, Math.abs(expected.sum))) return `group ${key} sums ${got.sum}, the attacker's rows ${expected.sum}`;
  }
  return null;
}
