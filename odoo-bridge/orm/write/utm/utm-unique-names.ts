import type { CallContext } from '../../call-context.ts';
import { modelSearchSource, searchIds } from '../../methods/search-source.ts';
import { ident } from '../write-env.ts';

/**
 * `utm.mixin._get_unique_names(model_name, names)` (addons/utm/models/utm_mixin.py 18): each name
 * of the list made unique among the model's records the user can find (record rules and
 * `active_test` apply) and the names before it in the list, by a ` [n]` counter:
 *
 * - a name's counter is taken off first (`_split_name_and_count`: `re.match(r'(.*)\s+\[([0-9]+)\]')`,
 *   so a match at the start is enough and what follows the `]` is dropped);
 * - the counters in use are those of records named exactly the bare name (1) or starting with
 *   `<name> [`, found by an `ilike` of each bare name;
 * - an asked counter not in use is kept; otherwise the lowest free counter from 1 (no suffix for 1);
 * - a falsy name stays False.
 *
 * `skipIds`: the records being renamed (`utm_check_skip_record_ids`), which do not count.
 */
export async function uniqueNames(ctx: CallContext, modelName: string, names: readonly unknown[], skipIds: readonly number[] = []): Promise<Array<string | false>> {
  const model = ctx.registry.model(modelName);
  if (!model?.table) return names.map((name) => (typeof name === 'string' && name ? name : false));
  const bareNames = [...new Set(names.map((name) => splitNameAndCount(name).name))];
  let domain: unknown[] = orDomain(bareNames.map((name) => ['name', 'ilike', name]));
  if (skipIds.length) domain = ['&', ['id', 'not in', [...skipIds]], ...domain];
  // `search_read(domain, ['name'])` as the user: the read right first, then the record rules.
  ctx.access.checkModel(model, 'read');
  const source = await modelSearchSource(ctx, model, domain, { order: model.order, limit: null, offset: 0 });
  const ids = [...(await searchIds(ctx, model, source))];
  const rows = ids.length ? await ctx.db.query<{ name: string | null }>(`SELECT name FROM ${ident(model.table)} WHERE id = ANY($1::int4[])`, [ids]) : { rows: [] };
  const existing = new Set(rows.rows.map((row) => row.name).filter((name): name is string => typeof name === 'string'));

  const usedCounters = new Map<string, Set<number>>();
  for (const name of bareNames) {
    const used = new Set<number>();
    for (const other of existing) if (other === name || other.startsWith(`${name} [`)) used.add(splitNameAndCount(other).count);
    usedCounters.set(name, used);
  }
  const nextCounter = new Map<string, number>();
  const result: Array<string | false> = [];
  for (const given of names) {
    if (!given) {
      result.push(false);
      continue;
    }
    const { name, count: asked } = splitNameAndCount(given);
    const used = usedCounters.get(name) ?? new Set<number>();
    let count = asked;
    if (!asked || used.has(asked)) {
      // `itertools.count(1)` per bare name, kept across the list: it goes on from where it stopped.
      count = nextCounter.get(name) ?? 1;
      while (used.has(count)) count++;
      nextCounter.set(name, count + 1);
    }
    used.add(count);
    usedCounters.set(name, used);
    result.push(count > 1 ? `${name} [${count}]` : name);
  }
  return result;
}

/** `_split_name_and_count`: "Medium [12]" → ("Medium", 12), anything else → (the name, 1); None → ''. */
export function splitNameAndCount(value: unknown): { name: string; count: number } {
  const text = typeof value === 'string' ? value : value ? String(value) : '';
  const match = /^(.*)\s+\[([0-9]+)\]/u.exec(text);
  return match ? { name: match[1]!, count: Number.parseInt(match[2]!, 10) } : { name: text, count: 1 };
}

/** `expression.OR` of leaves: the prefix `|` operators, or the always-false domain for none. */
function orDomain(leaves: unknown[][]): unknown[] {
  if (!leaves.length) return [[0, '=', 1]];
  return [...Array(leaves.length - 1).fill('|'), ...leaves];
}
