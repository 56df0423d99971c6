import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * View helpers clients call (methods/client-helper-methods.ts), with what real Odoo 18 answered
 * on hp_legacy as admin, and the clear refusal where an installed override would run Python.
 */
let legacy: TestDatabase;
let engine: OrmEngine;
const call = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
  engine.call({ database: 'hp_legacy', uid: 2, model, method, args, kwargs });

beforeAll(async () => {
  legacy = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: legacy.pool }, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => legacy?.drop());

it('get_formview_id / get_formview_action', async () => {
  expect(await call('res.users', 'get_formview_id', [[2]])).toBe(false);
  expect(await call('res.users', 'get_formview_action', [[2]])).toEqual({ type: 'ir.actions.act_window', res_model: 'res.users', views: [[false, 'form']], target: 'current', res_id: 2, context: {} });
  await expect(call('res.partner', 'get_formview_action', [[1, 3]])).rejects.toThrow('Expected singleton: res.partner(1, 3)');
});

it('view_header_get, get_import_templates, get_empty_list_help', async () => {
  expect(await call('res.users', 'view_header_get', [false, 'form'])).toBe(false);
  expect(await call('res.partner', 'view_header_get', [false, 'form'])).toBe(false);
  expect(await call('res.users', 'get_import_templates', [])).toEqual([]);
  expect(await call('res.partner', 'get_import_templates', [])).toEqual([{ label: 'Import Template for Customers', template: '/base/static/xls/res_partner.xlsx' }]);
  expect(await call('res.partner', 'get_empty_list_help', ['<p>Help</p>'])).toBe('<p>Help</p>');
  expect(await call('product.template', 'get_empty_list_help', ['<p>Help</p>'])).toBe('<p>Help</p>');
});

it('refuses clearly where an override would run Python', async () => {
  const refused = call('res.partner', 'view_header_get', [false, 'form'], { context: { category_id: 1 } });
  await expect(refused).rejects.toBeInstanceOf(OdooError);
  await expect(refused).rejects.toThrow(/Ficus cannot run view_header_get/);
  await expect(call('res.partner', 'get_empty_list_help', ['<p>Help</p>'], { context: { empty_list_help_model: 'res.partner' } })).rejects.toThrow(/Ficus cannot run get_empty_list_help/);
});
