import { describe, expect, it } from 'vitest';
import { odooInsertText } from '../../../../odoo-bridge/orm/sql-text/insert-text.ts';
import { psycopgValue } from '../../../../odoo-bridge/orm/sql-text/statement-text.ts';
import { arrayElementOffsets, insertLiteral } from '../../../../odoo-bridge/orm/write/insert-literals.ts';
import type { FieldInfo } from '../../../../odoo-bridge/orm/registry/types.ts';

function field(type: FieldInfo['type'], extra: Partial<FieldInfo> = {}): FieldInfo {
  return { name: 'f', type, translate: false, companyDependent: false, column: 'f', store: true, ...extra } as FieldInfo;
}

describe("Odoo's INSERT text, as PostgreSQL reports a refused value in it", () => {
  it('sorts the columns of the whole batch, gives DEFAULT where a record lacks one, and places each cell', () => {
    const text = odooInsertText('res_partner_category', [
      new Map([['name', `'{"en_US": "a1"}'`], ['color', '3']]),
      new Map([['parent_id', "'zz'"], ['name', `'{"en_US": "b1"}'`]]),
    ]);
    expect(text.statement.text).toBe(
      `INSERT INTO "res_partner_category" ("color", "name", "parent_id") VALUES (3, '{"en_US": "a1"}', DEFAULT), (DEFAULT, '{"en_US": "b1"}', 'zz') RETURNING "id"`,
    );
    const position = text.cellPosition(1, 'parent_id')!;
    expect(text.statement.text.slice(position - 1, position + 3)).toBe("'zz'");
    expect(text.cellPosition(0, 'parent_id')).toBeUndefined();
    expect(text.statement.excerptAt(position)).toBe(
      // 50 columns before the value, 10 from it (libpq's cut).
      `LINE 1: ...": "a1"}', DEFAULT), (DEFAULT, '{"en_US": "b1"}', 'zz') RETU...\n` + `${' '.repeat(61)}^\n`,
    );
  });

  it('gives no excerpt that would show a value Ficus cannot know', () => {
    const text = odooInsertText('t', [new Map<string, string | null>([['a', null], ['b', "'x'"]])]);
    expect(text.statement.excerptAt(text.cellPosition(0, 'b')!)).toBeNull();
    const far = odooInsertText('t', [new Map<string, string | null>([['a', null], ['b', "'x'"], ['c', `'${'y'.repeat(80)}'`], ['d', "'z'"]])]);
    expect(far.statement.excerptAt(far.cellPosition(0, 'd')!)).toMatch(/^LINE 1: \.\.\.y{47}', 'z'\) RETUR\.\.\.\n/);
  });

  it("writes each value as psycopg2 adapts what convert_to_column_insert made of it", () => {
    expect(insertLiteral(field('many2one'), 'Belgium', { lang: 'en_US' })).toBe("'Belgium'");
    expect(insertLiteral(field('many2one'), [4, 'x'], { lang: 'en_US' })).toBe("ARRAY[4,'x']");
    expect(insertLiteral(field('many2one'), true, { lang: 'en_US' })).toBe('true');
    expect(insertLiteral(field('many2one'), 0, { lang: 'en_US' })).toBe('NULL');
    expect(insertLiteral(field('boolean'), 'yes', { lang: 'en_US' })).toBe('true');
    expect(insertLiteral(field('integer'), false, { lang: 'en_US' })).toBe('0');
    expect(insertLiteral(field('float'), 1.5, { lang: 'en_US' })).toBe('1.5');
    expect(insertLiteral(field('float'), 2, { lang: 'en_US' })).toBe('2.0');
    expect(insertLiteral(field('float'), 3.14159, { lang: 'en_US', rounding: 0.01, converted: 3.14 })).toBe("'3.14'");
    expect(insertLiteral(field('char'), "O'Brien", { lang: 'en_US', converted: "O'Brien" })).toBe("'O''Brien'");
    expect(insertLiteral(field('char', { translate: true }), 'Ünï', { lang: 'en_US' })).toBe(`'{"en_US": "\\u00dcn\\u00ef"}'`);
    expect(insertLiteral(field('char', { translate: true }), 'a', { lang: 'fr_FR' })).toBe(`'{"en_US": "a", "fr_FR": "a"}'`);
    expect(insertLiteral(field('date'), true, { lang: 'en_US' })).toBe("'True'");
    expect(insertLiteral(field('many2one', { companyDependent: true }), 5, { lang: 'en_US' })).toBeNull();
    expect(psycopgValue(-3)).toBe(' -3');
    expect(arrayElementOffsets([4, 'x'])).toEqual([6, 8]);
  });
});
