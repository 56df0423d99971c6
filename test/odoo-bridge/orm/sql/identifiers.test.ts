import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compileSql } from '../../../../odoo-bridge/orm/sql/execute.ts';
import { columnRef } from '../../../../odoo-bridge/orm/sql/identifiers.ts';

/** columnRef must write exactly what kysely's sql.ref writes: the statement text (and its prepared name) may not change. */
const asKyselyWrites = (reference: string) => compileSql(sql`SELECT ${sql.ref(reference)} FROM t`).sql;
const asColumnRefWrites = (reference: string) => compileSql(sql`SELECT ${columnRef(reference)} FROM t`).sql;

/** Identifier parts as anything may name them: quotes, spaces at either end, dots excluded (they separate parts). */
const part = fc.string({ unit: fc.constantFrom('a', 'Z', '_', '1', ' ', '"', "'", 'é', '名', '-', '*', '\\'), maxLength: 8 });

describe('columnRef', () => {
  it('writes the text kysely writes for one to three dotted parts', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 3 }), (parts) => {
        const reference = parts.join('.');
        expect(asColumnRefWrites(reference)).toBe(asKyselyWrites(reference));
        // A second time from the cache, the same.
        expect(asColumnRefWrites(reference)).toBe(asKyselyWrites(reference));
      }),
      { numRuns: 2000 },
    );
  });

  it('the references the engine writes', () => {
    for (const reference of ['res_partner_1.name', 'm2o name 1.name', 'id', 'public.res_partner.id', 'a"b.c']) {
      expect(asColumnRefWrites(reference)).toBe(asKyselyWrites(reference));
    }
    expect(asColumnRefWrites('res_partner_1.name')).toBe('SELECT "res_partner_1"."name" FROM t');
  });

  it('refuses more than schema.table.column as kysely does', () => {
    expect(() => asKyselyWrites('a.b.c.d')).toThrow('invalid column reference');
    expect(() => columnRef('a.b.c.d')).toThrow('invalid column reference');
  });
});
