import type { Registry } from '../registry/types.ts';

/**
 * Aggregates a model's `_read_group_select` override accepts for fields without SQL, by module
 * (fields.py `_description_aggregator` asks `_read_group_select(f"{name}:{aggregator}")` of a
 * non-stored field, so fields_get describes the aggregator only when an override answers it):
 * analytic's account.analytic.account sums balance/debit/credit over the group's records
 * (analytic_account.py). product_margin's product.product overrides it too; it is installed in
 * neither served database and is not listed.
 */
const OVERRIDES: Readonly<Record<string, { module: string; specs: ReadonlySet<string> }>> = {
  'account.analytic.account': { module: 'analytic', specs: new Set(['balance:sum', 'debit:sum', 'credit:sum']) },
};

export function selectOverrideAccepts(registry: Registry, model: string, field: string, aggregator: string): boolean {
  const override = OVERRIDES[model];
  return !!override && registry.modules.has(override.module) && override.specs.has(`${field}:${aggregator}`);
}
