import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { legacyDatabase, odooRefDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';

/**
 * get_views / get_view answered by the engine against what a real Odoo 18 answered on the same
 * data (fixtures/odoo-differential/get-views.jsonl, recorded by scripts/record-views-golden.py):
 * views combined with their inheriting views (xpath/field specs, every position), post-processed
 * (missing fields for expressions, on_change, embedded x2many lists, groups), cut to the user
 * (fields and buttons of groups the member lacks gone, create/edit/delete and can_create/can_write
 * from the ACL), the `_get_view` overrides of base and partner_autocomplete, generated default
 * views, `<type>_view_ref`, the bound actions (`toolbar`) and saved filters (`load_filters`), and
 * the fields_get of every model each view shows — as admin and as a member, on both databases.
 */
interface Recorded {
  db: 'odoo_ref' | 'hp_legacy';
  login: string;
  uid: number;
  model: string;
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  result?: unknown;
  error?: string;
}

const cases: Recorded[] = readFileSync(path.join(PROJECT_ROOT, 'fixtures/odoo-differential/get-views.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Recorded);

const databases: Record<string, TestDatabase> = {};
const engines: Record<string, OrmEngine> = {};

beforeAll(async () => {
  databases.odoo_ref = await odooRefDatabase();
  databases.hp_legacy = await legacyDatabase();
  engines.odoo_ref = createFullOrmEngine({ database: { name: 'odoo_ref', pool: databases.odoo_ref.pool }, filestore: testFilestores().odooRef });
  engines.hp_legacy = createFullOrmEngine({ database: { name: 'hp_legacy', pool: databases.hp_legacy.pool }, filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => {
  await Promise.all(Object.values(databases).map((db) => db.drop()));
});

async function answer(recorded: Recorded): Promise<{ result?: unknown; error?: string }> {
  try {
    const value = await engines[recorded.db]!.call({ database: recorded.db, uid: recorded.uid, model: recorded.model, method: recorded.method, args: recorded.args, kwargs: recorded.kwargs });
    return { result: JSON.parse(stringifyPythonJson(value)) };
  } catch (error) {
    if (error instanceof OdooError) return { error: error.exceptionName };
    throw error;
  }
}

/** get_view's `models` lists come from Python sets (no order): compared as sets. */
function comparable(method: string, value: unknown): unknown {
  if (method !== 'get_view' || !value || typeof value !== 'object') return value;
  const copy = JSON.parse(JSON.stringify(value)) as { models: Record<string, string[]> };
  for (const model of Object.keys(copy.models)) copy.models[model]!.sort();
  return copy;
}

describe('get_views as real Odoo 18 answered', () => {
  it('covers both databases, a member and the toolbar', () => {
    expect(cases.filter((c) => c.db === 'odoo_ref').length).toBeGreaterThan(3);
    expect(cases.filter((c) => c.login !== 'admin').length).toBeGreaterThan(2);
    expect(cases.some((c) => (c.kwargs.options as Record<string, unknown> | undefined)?.toolbar)).toBe(true);
  });

  for (const recorded of cases) {
    const options = JSON.stringify(recorded.kwargs);
    it(`${recorded.db} ${recorded.login} ${recorded.model}.${recorded.method} ${JSON.stringify(recorded.args)} ${options}`, async () => {
      const got = await answer(recorded);
      if (recorded.error) {
        expect(got.error).toBe(recorded.error);
        return;
      }
      expect(got.error).toBeUndefined();
      expect(comparable(recorded.method, got.result)).toEqual(comparable(recorded.method, recorded.result));
    });
  }
});
