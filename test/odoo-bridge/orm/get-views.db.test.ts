import { describe, expect, it } from 'vitest';
import { jsonLines, recordedEngines, engineAnswer } from './support/recorded-calls.ts';

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

const cases: Recorded[] = jsonLines<Recorded>('fixtures/odoo-differential/get-views.jsonl');

const { engines, databases } = recordedEngines();

async function answer(recorded: Recorded): Promise<{ result?: unknown; error?: string }> {
  const { result, error } = await engineAnswer(engines[recorded.db]!, { database: recorded.db, uid: recorded.uid, model: recorded.model, method: recorded.method, args: recorded.args, kwargs: recorded.kwargs });
  return error === undefined ? { result } : { error };
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
