import type { CallContext } from '../../call-context.ts';
import type { FieldInfo, ModelInfo } from '../../registry/types.ts';
import { ident } from '../write-env.ts';

/**
 * The values of a non-stored related field for tracking (`vat = fields.Char(related='partner_id.vat')`
 * on res.company tracks with the target's `tracking`): read along the path when every hop but the
 * last is a many2one with a column and the last a stored column; undefined when the path is not one
 * the database can walk.
 */
export async function relatedFieldValues(ctx: CallContext, model: ModelInfo, field: FieldInfo, ids: number[]): Promise<Map<number, unknown> | undefined> {
  if (!field.related || !model.table) return undefined;
  const names = field.related.split('.');
  const joins: string[] = [];
  let current: ModelInfo = model;
  let alias = 'r';
  for (const [i, name] of names.entries()) {
    const hop = current.fields.get(name);
    if (!hop?.store || !hop.column || hop.inheritedVia || hop.companyDependent) return undefined;
    if (i === names.length - 1) {
      if (hop.type !== field.type) return undefined;
      const cast = hop.type === 'date' || hop.type === 'datetime' ? '::text' : '';
      const r = await ctx.db.query<{ id: number; v: unknown }>(
        `SELECT r.id, ${alias}.${ident(hop.column)}${cast} AS v FROM ${ident(model.table)} r ${joins.join(' ')} WHERE r.id = ANY($1::int4[])`,
        [ids],
      );
      return new Map(r.rows.map((row) => [row.id, row.v ?? false]));
    }
    const next = hop.type === 'many2one' && hop.relation ? ctx.registry.model(hop.relation) : undefined;
    if (!next?.table) return undefined;
    const nextAlias = `h${i}`;
    joins.push(`LEFT JOIN ${ident(next.table)} ${nextAlias} ON ${nextAlias}.id = ${alias}.${ident(hop.column)}`);
    alias = nextAlias;
    current = next;
  }
  return undefined;
}
