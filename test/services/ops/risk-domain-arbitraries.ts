import fc from 'fast-check';
import pg from 'pg';
import { pyRepr, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';

/**
 * Random Odoo domains over a model's stored columns, as the ORM engine's own property test draws
 * them (test/odoo-bridge/orm/domain-property.test.ts: the same field kinds, operators per kind,
 * value pools from the rows themselves plus edge values, and trees of &, | and !), so risk rules
 * get the domains the engine is proven on. Kept here because that test's generator is not
 * exported; the lead may move both onto this one.
 */
export interface DomainField {
  name: string;
  kind: 'string' | 'number' | 'boolean' | 'selection' | 'datetime' | 'date' | 'many2one';
  pool: unknown[];
}

export type DomainTree = { op: '&' | '|'; a: DomainTree; b: DomainTree } | { op: '!'; a: DomainTree } | { leaf: [string, string, unknown] };

const OPS: Record<DomainField['kind'], string[]> = {
  string: ['=', '!=', 'like', 'ilike', 'not like', 'not ilike', '=like', '=ilike', 'in', 'not in'],
  number: ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in'],
  boolean: ['=', '!='],
  selection: ['=', '!=', 'in', 'not in'],
  datetime: ['=', '!=', '<', '>', '<=', '>='],
  date: ['=', '!=', '<', '>', '<=', '>='],
  many2one: ['=', '!=', 'in', 'not in'],
};

/** A value Python's literal reader takes back as it was written (no control characters or backslashes in strings). */
const literalSafe = (v: unknown) => typeof v !== 'string' || !/[\u0000-\u001f\u007f\\]/.test(v);

/** The model's plain stored fields (up to `max`) with value pools drawn from its rows, as the engine's property test builds them. */
export async function domainFieldsOf(pool: pg.Pool, model: ModelInfo, max = 14): Promise<DomainField[]> {
  const fields: DomainField[] = [];
  for (const field of model.fields.values()) {
    if (!field.column || field.translate || field.companyDependent || field.columnType === 'jsonb') continue;
    const kind = ({ char: 'string', text: 'string', html: 'string', integer: 'number', float: 'number', monetary: 'number', boolean: 'boolean', selection: 'selection', datetime: 'datetime', date: 'date', many2one: 'many2one' } as const)[field.type as 'char'];
    if (!kind || field.name === 'id') continue;
    fields.push({ name: field.name, kind, pool: [] });
  }
  const chosen = fields.slice(0, max);
  // Dates and timestamps as PostgreSQL prints them (Odoo's domain values), numerics as numbers.
  const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => ([1082, 1114, 1184].includes(oid) ? (v: string) => v : [1700, 20].includes(oid) ? Number : pg.types.getTypeParser(oid, format)) };
  const { rows } = await pool.query({ text: `SELECT ${chosen.map((f) => `"${f.name}"`).join(', ')} FROM "${model.table}"`, types });
  for (const f of chosen) {
    const seen = [...new Set(rows.map((r) => r[f.name]).filter((v) => v !== null && literalSafe(v)))].slice(0, 10);
    const extra: unknown[] = [false];
    if (f.kind === 'string') extra.push('', 'a', 'e', 'zzz', ...seen.map((s) => String(s).slice(1, 4)));
    if (f.kind === 'number') extra.push(0, -1, 1, 100, 2.5);
    if (f.kind === 'boolean') extra.push(true);
    if (f.kind === 'selection') extra.push('bogus', ...(model.fields.get(f.name)!.selection ?? []).map(([k]) => k));
    if (f.kind === 'datetime') extra.push(...seen.map((s) => String(s).slice(0, 10)), '2026-01-01 00:00:00');
    if (f.kind === 'many2one') extra.push(0, 999999);
    f.pool = [...seen, ...extra].filter(literalSafe);
  }
  return chosen;
}

function leafArb(fields: DomainField[]): fc.Arbitrary<DomainTree> {
  return fc.constantFrom(...fields).chain((f) =>
    fc.constantFrom(...OPS[f.kind]).chain((op) => {
      const scalar = fc.constantFrom(...(f.pool.length ? f.pool : [false]));
      const value: fc.Arbitrary<unknown> = op === 'in' || op === 'not in' ? fc.array(scalar, { maxLength: 4 }) : op.includes('like') ? fc.constantFrom(...f.pool.filter((p) => typeof p === 'string' || p === false), '%', 'a%', '_') : scalar;
      return value.map((v) => ({ leaf: [f.name, op, v] as [string, string, unknown] }));
    }),
  );
}

export function treeArb(fields: DomainField[]): fc.Arbitrary<DomainTree> {
  const { tree } = fc.letrec<{ tree: DomainTree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leafArb(fields),
      fc.record({ op: fc.constantFrom('&' as const, '|' as const), a: tie('tree'), b: tie('tree') }),
      fc.record({ op: fc.constant('!' as const), a: tie('tree') }),
    ),
  }));
  return tree;
}

/** A domain of 1–3 trees (implicitly ANDed), as the engine's property test searches. */
export function domainArb(fields: DomainField[]): fc.Arbitrary<unknown[]> {
  return fc.array(treeArb(fields), { minLength: 1, maxLength: 3 }).map((trees) => trees.flatMap(toDomain));
}

export function toDomain(t: DomainTree): unknown[] {
  if ('leaf' in t) return [t.leaf];
  if (t.op === '!') return ['!', ...toDomain(t.a)];
  return [t.op, ...toDomain(t.a), ...toDomain(t.b)];
}

/** A domain as an hp.risk.rule condition: Python literal text, leaves as tuples, as people write them. */
export function conditionText(domain: readonly unknown[]): string {
  return `[${domain.map((item) => (Array.isArray(item) ? `(${item.map((v) => pyRepr(v)).join(', ')})` : pyRepr(item))).join(', ')}]`;
}
