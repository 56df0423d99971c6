import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { superuserPolicy } from '../../../odoo-bridge/orm/access-policy.ts';
import { createOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import type { ModelInfo } from '../../../odoo-bridge/orm/registry/types.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * The domain compiler against an independent in-memory evaluator over the same rows of the
 * legacy monolith: ≥10,000 random valid domains must select exactly the same ids, and random
 * malformed domains must fail with an OdooError, never a PostgreSQL error.
 *
 * The evaluator is written from Odoo's documented semantics (notes §5.2), not from the
 * compiler: NULL handling per type, `!` as operator negation, implicit AND, active filter.
 */
const MODELS = ['hp.health.service', 'hp.service.order', 'res.partner'] as const;
const RUNS_PER_MODEL = 3400;

type Value = string | number | boolean | null;
type Row = Record<string, Value> & { id: number };
interface FieldSpec {
  name: string;
  kind: 'string' | 'number' | 'boolean' | 'selection' | 'datetime' | 'date' | 'many2one';
  pool: unknown[];
  /** Integer columns: Odoo converts the value with int() (2.5 → 2) before comparing. */
  integer?: boolean;
  /** Monetary columns: a falsy comparison value is NULL (Field.convert_to_column), not 0 as for Integer and Float. */
  monetary?: boolean;
}

let db: TestDatabase;
let engine: OrmEngine;
const data = new Map<string, { model: ModelInfo; rows: Row[]; fields: FieldSpec[] }>();

const TYPES = { getTypeParser: (oid: number, format?: 'text' | 'binary') => ([1082, 1114, 1184].includes(oid) ? (v: string) => v : [1700, 20].includes(oid) ? Number : pg.types.getTypeParser(oid, format)) };

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, access: superuserPolicy(db.pool) });
  const registry = await engine.registry();
  for (const name of MODELS) {
    const model = registry.model(name)!;
    const fields: FieldSpec[] = [];
    for (const field of model.fields.values()) {
      if (!field.column || field.translate || field.companyDependent || field.columnType === 'jsonb') continue;
      const kind = ({ char: 'string', text: 'string', html: 'string', integer: 'number', float: 'number', monetary: 'number', boolean: 'boolean', selection: 'selection', datetime: 'datetime', date: 'date', many2one: 'many2one' } as const)[field.type as 'char'];
      if (!kind || field.name === 'id') continue;
      fields.push({ name: field.name, kind, pool: [], integer: field.type === 'integer', monetary: field.type === 'monetary' });
    }
    const chosen = fields.slice(0, 14);
    const cols = ['id', ...chosen.map((f) => f.name), ...(model.activeField && !chosen.some((f) => f.name === model.activeField) ? [model.activeField] : [])];
    const result = await db.pool.query<Row>({ text: `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${model.table}"`, types: TYPES });
    const rows = result.rows as Row[];
    for (const f of chosen) {
      const seen = [...new Set(rows.map((r) => r[f.name]).filter((v) => v !== null))].slice(0, 10);
      const extra: unknown[] = [false];
      if (f.kind === 'string') extra.push('', 'a', 'e', 'zzz', ...seen.map((s) => String(s).slice(1, 4)));
      if (f.kind === 'number') extra.push(0, -1, 1, 100, 2.5);
      if (f.kind === 'boolean') extra.push(true);
      if (f.kind === 'selection') extra.push('bogus', ...(model.fields.get(f.name)!.selection ?? []).map(([k]) => k));
      if (f.kind === 'datetime') extra.push(...seen.map((s) => String(s).slice(0, 10)), '2026-01-01 00:00:00');
      if (f.kind === 'many2one') extra.push(0, 999999);
      f.pool = [...seen, ...extra];
    }
    data.set(name, { model, rows, fields: chosen });
  }
}, 120_000);
afterAll(async () => db?.drop());

// ---- independent evaluator -------------------------------------------------------------
const NEG: Record<string, string> = { '=': '!=', '!=': '=', '<': '>=', '>=': '<', '>': '<=', '<=': '>', in: 'not in', 'not in': 'in', like: 'not like', 'not like': 'like', ilike: 'not ilike', 'not ilike': 'ilike' };
const truthy = (v: unknown) => !(v === false || v === null || v === undefined || v === 0 || v === '' || (Array.isArray(v) && !v.length));
const isEmpty = (v: unknown) => v === false || v === null || v === undefined;

function likeToRegex(pattern: string, insensitive: boolean): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '[\\s\\S]*').replace(/_/g, '[\\s\\S]');
  return new RegExp(`^${body}$`, insensitive ? 'i' : '');
}

function evalLeaf(f: FieldSpec, row: Row, op: string, value: unknown): boolean {
  let v = row[f.name] ?? null;
  const str = f.kind === 'string';
  const num = f.kind === 'number';
  if (f.kind === 'datetime' && typeof value === 'string' && value.length === 10) value = value + (op === '>' || op === '<=' ? ' 23:59:59' : ' 00:00:00');
  if (f.integer && typeof value === 'number') value = Math.trunc(value);
  if (f.integer && Array.isArray(value)) value = value.map((x) => (typeof x === 'number' ? Math.trunc(x) : x));
  if (f.kind === 'boolean') {
    const want = op === '=' ? truthy(value) : !truthy(value);
    return want ? v === true : v !== true;
  }
  switch (op) {
    case '=':
      if (!truthy(value) && !Array.isArray(value)) {
        if (str) return v === null || v === '';
        if (num) return v === null || v === 0;
        if (f.kind === 'many2one' || isEmpty(value)) return v === null;
      }
      return v !== null && v === value;
    case '!=':
      if (!truthy(value)) {
        if (str) return v !== null && v !== '';
        if (num) return v !== null && v !== 0;
        if (f.kind === 'many2one' || isEmpty(value)) return v !== null;
      }
      return v === null || v !== value;
    case '<': case '>': case '<=': case '>=': {
      if (isEmpty(value)) {
        if (!num) return false;
        // `int(value or 0)` / `float(value or 0.0)`; a Monetary compares with NULL, yet `>=`/`<=` add the NULL rows.
        if (f.monetary) return v === null && (op === '>=' || op === '<=');
        value = 0;
      }
      if (v === null) {
        if (!num) return false;
        v = 0;
      }
      const a = v as number | string;
      const b = value as number | string;
      return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
    }
    case 'like': case 'ilike': case 'not like': case 'not ilike': {
      // `if need_wildcard and not value`: everything, or nothing when negated.
      if (!truthy(value)) return !op.startsWith('not');
      const text = typeof value === 'string' ? value : value === false ? 'False' : String(value);
      if (v === null) return op.startsWith('not') ? truthy(value) : !truthy(value);
      const hit = likeToRegex(`%${text}%`, op.includes('ilike')).test(String(v));
      return op.startsWith('not') ? !hit : hit;
    }
    case '=like': case '=ilike': {
      if (v === null) return !truthy(value);
      return likeToRegex(String(value), op === '=ilike').test(String(v));
    }
    case 'in': case 'not in': {
      const list = value as unknown[];
      const params = list.filter((x) => !isEmpty(x));
      // models.py `_condition_to_sql`: '' among a string's values (0 among a number's) means NULL too, as False does.
      const hasFalse = params.length < list.length || (str && list.includes('')) || (num && list.includes(0));
      const member = v !== null && params.some((p) => p === v);
      if (op === 'in') return member || (hasFalse && (v === null || (str && v === '') || (num && v === 0)));
      // False (or '' / 0) among the values adds '' / 0 to them: `not in ['x', False]` leaves out '' too.
      return hasFalse ? v !== null && !member && !(str && v === '') && !(num && v === 0) : v === null || !member;
    }
  }
  throw new Error(`operator ${op}`);
}

type Tree = { op: '&' | '|'; a: Tree; b: Tree } | { op: '!'; a: Tree } | { leaf: [string, string, unknown] };

function evalTree(fields: Map<string, FieldSpec>, row: Row, t: Tree, negate = false): boolean {
  if ('leaf' in t) {
    const [name, op, value] = t.leaf;
    const field = fields.get(name)!;
    if (!negate) return evalLeaf(field, row, op, value);
    if (NEG[op]) return evalLeaf(field, row, NEG[op]!, value);
    // No negated operator (=like, =ilike): Odoo emits SQL NOT(…), and NOT(NULL) is not true.
    return row[name] !== null && !evalLeaf(field, row, op, value);
  }
  if (t.op === '!') return evalTree(fields, row, t.a, !negate);
  const isAnd = (t.op === '&') !== negate;
  return isAnd ? evalTree(fields, row, t.a, negate) && evalTree(fields, row, t.b, negate) : evalTree(fields, row, t.a, negate) || evalTree(fields, row, t.b, negate);
}

function toDomain(t: Tree): unknown[] {
  if ('leaf' in t) return [t.leaf];
  if (t.op === '!') return ['!', ...toDomain(t.a)];
  return [t.op, ...toDomain(t.a), ...toDomain(t.b)];
}

const OPS: Record<FieldSpec['kind'], string[]> = {
  string: ['=', '!=', 'like', 'ilike', 'not like', 'not ilike', '=like', '=ilike', 'in', 'not in'],
  number: ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in'],
  boolean: ['=', '!='],
  selection: ['=', '!=', 'in', 'not in'],
  datetime: ['=', '!=', '<', '>', '<=', '>='],
  date: ['=', '!=', '<', '>', '<=', '>='],
  many2one: ['=', '!=', 'in', 'not in'],
};

function leafArb(fields: FieldSpec[]): fc.Arbitrary<Tree> {
  return fc.constantFrom(...fields).chain((f) =>
    fc.constantFrom(...OPS[f.kind]).chain((op) => {
      const scalar = fc.constantFrom(...(f.pool.length ? f.pool : [false]));
      // `=like False` is SQL's NULL on a set value (Odoo 18 and Ficus: `!(name =like False)` matches
      // nothing either), which this two-valued evaluator cannot say: not generated.
      const value: fc.Arbitrary<unknown> = op === 'in' || op === 'not in' ? fc.array(scalar, { maxLength: 4 }) : op.includes('like') ? fc.constantFrom(...f.pool.filter((p) => typeof p === 'string' || (p === false && !op.startsWith('='))), '%', 'a%', '_') : scalar;
      return value.map((v) => ({ leaf: [f.name, op, v] as [string, string, unknown] }));
    }),
  );
}

function treeArb(fields: FieldSpec[]): fc.Arbitrary<Tree> {
  const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leafArb(fields),
      fc.record({ op: fc.constantFrom('&' as const, '|' as const), a: tie('tree'), b: tie('tree') }),
      fc.record({ op: fc.constant('!' as const), a: tie('tree') }),
    ),
  }));
  return tree;
}

describe('domain compiler vs in-memory evaluator (hp_legacy)', () => {
  for (const name of MODELS) {
    it(`${name}: ${RUNS_PER_MODEL} random domains select the same ids`, async () => {
      const { model, rows, fields } = data.get(name)!;
      const byName = new Map(fields.map((f) => [f.name, f]));
      await fc.assert(
        fc.asyncProperty(fc.array(treeArb(fields), { minLength: 1, maxLength: 3 }), async (trees) => {
          const domain = trees.flatMap(toDomain);
          const got = (await engine.call({ database: 'hp_legacy', uid: 2, model: name, method: 'search', args: [domain], kwargs: { order: 'id' } })) as number[];
          const activeLeaf = model.activeField && !domain.some((item) => Array.isArray(item) && item[0] === model.activeField);
          const want = rows
            .filter((r) => (!activeLeaf || r[model.activeField!] === true) && trees.every((t) => evalTree(byName, r, t)))
            .map((r) => r.id)
            .sort((a, b) => a - b);
          expect(got).toEqual(want);
        }),
        { numRuns: RUNS_PER_MODEL, seed: 20241124 },
      );
    }, 600_000);
  }

  it('random malformed domains fail with an OdooError, never a database error', async () => {
    const junk = fc.letrec<{ item: unknown }>((tie) => ({
      item: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('&', '|', '!', 'x', '', 0, 1, null, true, 'name', '=', 'in', 'child_of', 'any', 'nope.nope'),
        fc.string({ maxLength: 6 }),
        fc.integer(),
        fc.array(tie('item'), { maxLength: 4 }),
        fc.tuple(fc.constantFrom('name', 'state', 'amount', 'id', 'service_id', 'service_id.name', 'bad', 'ordered_at'), fc.string({ maxLength: 8 }), tie('item')),
      ),
    })).item;
    await fc.assert(
      fc.asyncProperty(fc.oneof(junk, fc.array(junk, { maxLength: 5 })), async (domain) => {
        try {
          await engine.call({ database: 'hp_legacy', uid: 2, model: 'hp.service.order', method: 'search_count', args: [domain], kwargs: {} });
        } catch (error) {
          expect(error).toBeInstanceOf(OdooError);
          expect((error as OdooError).exceptionName).not.toMatch(/^psycopg2\.OperationalError$/);
        }
      }),
      { numRuns: 1500, seed: 7 },
    );
  }, 300_000);
});
