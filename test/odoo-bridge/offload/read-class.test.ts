import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offloadableCall } from '../../../odoo-bridge/offload/read-class.ts';
import type { RouteQuery } from '../../../odoo-bridge/routing/call-router.ts';

/** What rpc-routes.ts hands the router for `execute_kw(db, uid, password, model, method, args, kw)`. */
function executeKw(model: string, method: string, args: unknown[], kw?: Record<string, unknown>, database = 'hp_legacy'): RouteQuery {
  const params = [database, 2, 'admin', model, method, args, ...(kw ? [kw] : [])];
  return { database, model, method, rpc: { method: 'execute_kw', params } };
}

const classOf = (query: RouteQuery) => offloadableCall(query)?.readClass;

const ids = fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 20 });
const text = fc.string({ maxLength: 30 });
const fieldNames = fc.uniqueArray(fc.constantFrom('name', 'email', 'phone', 'city', 'parent_id', 'create_date', 'active', 'ref'), { minLength: 1, maxLength: 8 });

describe('the class of a read call', () => {
  it('is the same whatever values the call carries (ids, search text, limits, offsets)', () => {
    fc.assert(
      fc.property(ids, ids, text, text, fc.nat(500), fc.nat(500), fc.nat(), fc.nat(), (ids1, ids2, name1, name2, limit1, limit2, offset1, offset2) => {
        const call = (someIds: number[], name: string, limit: number, offset: number) =>
          executeKw('res.partner', 'search_read', [[['id', 'in', someIds], ['name', 'ilike', name]]], { fields: ['name', 'email'], limit, offset, order: 'name asc' });
        const a = classOf(call(ids1, name1, limit1, offset1));
        const b = classOf(call(ids2, name2, limit2, offset2));
        expect(a).toBeDefined();
        expect(a).toEqual(b);
      }),
    );
  });

  it('is the set of fields asked for: their order does not matter, another field is another class', () => {
    fc.assert(
      fc.property(fieldNames, fc.integer(), (fields: string[], seed) => {
        const shuffled = [...fields].sort(() => (seed % 3) - 1);
        const read = (f: string[]) => classOf(executeKw('res.partner', 'read', [[7], f]));
        expect(read(shuffled)!.id).toBe(read(fields)!.id);
        const other = [...fields, 'vat']; // never among the generated names
        expect(read(other)!.id).not.toBe(read(fields)!.id);
      }),
    );
  });

  it('is the same whether arguments come by position or by keyword, execute_kw or execute', () => {
    const positional = classOf(executeKw('res.partner', 'search_read', [[['active', '=', true]], ['name']], { context: { lang: 'en_US' } }));
    const keywords = classOf(executeKw('res.partner', 'search_read', [], { domain: [['active', '=', true]], fields: ['name'], context: { lang: 'en_US' } }));
    const execute = classOf({ database: 'hp_legacy', model: 'res.partner', method: 'search_read', rpc: { method: 'execute', params: ['hp_legacy', 2, 'admin', 'res.partner', 'search_read', [['active', '=', true]], ['name']] } });
    expect(positional).toBeDefined();
    expect(keywords).toEqual(positional);
    // execute passes no context: a context key is part of the class
    expect(execute!.id).not.toBe(positional!.id);
    expect(execute).toEqual(classOf(executeKw('res.partner', 'search_read', [[['active', '=', true]], ['name']])));
  });

  it('tells apart what picks different code: database, model, method, operators, an IS NULL, the order, the context that changes reading', () => {
    const base = () => executeKw('res.partner', 'search', [[['parent_id', '=', 7]]]);
    const variants: RouteQuery[] = [
      executeKw('res.partner', 'search', [[['parent_id', '=', 7]]], undefined, 'other_db'),
      executeKw('res.users', 'search', [[['parent_id', '=', 7]]]),
      executeKw('res.partner', 'search_count', [[['parent_id', '=', 7]]]),
      executeKw('res.partner', 'search', [[['parent_id', 'child_of', 7]]]),
      executeKw('res.partner', 'search', [[['parent_id', '=', false]]]),
      executeKw('res.partner', 'search', [[['parent_id', '=', 7]]], { order: 'name desc' }),
      executeKw('res.partner', 'search', [[['parent_id', '=', 7]]], { context: { active_test: false } }),
      executeKw('res.partner', 'search', [[['parent_id', '=', 7]]], { context: { lang: 'fr_FR' } }),
      executeKw('res.partner', 'search', [['|', ['parent_id', '=', 7], ['id', '=', 3]]]),
    ];
    const ids = new Set([classOf(base())!.id, ...variants.map((v) => classOf(v)!.id)]);
    expect(ids.size).toBe(variants.length + 1);
  });

  it('covers the nine reads and nothing else: writes and business methods are never offloadable', () => {
    const reads: RouteQuery[] = [
      executeKw('res.partner', 'search', [[]]),
      executeKw('res.partner', 'search_read', [[]], { fields: ['name'] }),
      executeKw('res.partner', 'read', [[1], ['name']]),
      executeKw('res.partner', 'search_count', [[]]),
      executeKw('res.partner', 'read_group', [[], ['id:count'], ['country_id']]),
      executeKw('res.partner', 'name_search', ['ab']),
      executeKw('res.partner', 'fields_get', [], { attributes: ['type'] }),
      executeKw('res.partner', 'web_read', [[1]], { specification: { name: {}, country_id: { fields: { display_name: {} } } } }),
      executeKw('res.partner', 'web_search_read', [[]], { specification: { name: {} }, limit: 10 }),
    ];
    for (const read of reads) expect(classOf(read), read.method).toBeDefined();
    for (const method of ['create', 'write', 'unlink', 'copy', 'name_create', 'action_archive', 'default_get', 'onchange', 'search_fetch', 'toggle_active']) {
      expect(classOf(executeKw('res.partner', method, [[1], { name: 'x' }])), method).toBeUndefined();
    }
  });

  it('leaves malformed calls to Odoo (its TypeError, its ValueError)', () => {
    expect(classOf(executeKw('res.partner', 'search_read', [[]], { fieldz: ['name'] }))).toBeUndefined();
    expect(classOf(executeKw('res.partner', 'read', []))).toBeUndefined();
    expect(classOf(executeKw('res.partner', 'search', ['not a domain']))).toBeUndefined();
    expect(classOf(executeKw('res.partner', 'search', [[['name', '=', 'a', 'b']]]))).toBeUndefined();
    expect(classOf({ database: 'hp_legacy', model: 'res.partner', method: 'search', rpc: { method: 'execute_kw', params: ['hp_legacy', 'two', 'admin', 'res.partner', 'search', [[]]] } })).toBeUndefined();
    expect(classOf({ database: 'hp_legacy', model: 'res.partner', method: 'search' })).toBeUndefined(); // no RPC params: web session or JSON-2
  });

  it('says which fields the engine is asked to compute, nested ones for a web_read specification', () => {
    expect(offloadableCall(executeKw('res.partner', 'search_read', [[]], { fields: ['email', 'name'] }))!.asked).toEqual({ names: ['email', 'name'] });
    expect(offloadableCall(executeKw('res.partner', 'read', [[1]]))!.asked).toEqual({ names: '*' });
    expect(offloadableCall(executeKw('res.partner', 'search_count', [[]]))!.asked).toEqual({ names: [] });
    expect(offloadableCall(executeKw('res.partner', 'read_group', [[], ['total:sum(credit_limit)', 'id:count'], ['country_id:month']]))!.asked).toEqual({ names: ['credit_limit', 'id', 'country_id'] });
    const web = offloadableCall(executeKw('res.partner', 'web_read', [[1]], { specification: { name: {}, country_id: { fields: { code: {} } } } }))!;
    expect(web.asked.names).toEqual(['name', 'country_id']);
    expect(web.asked.nested?.get('country_id')).toEqual({ names: ['code'] });
    expect(web.readClass.fields).toBe('country_id{code},name');
  });
});
