import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * Meta and web-client method answers recorded from a real Odoo 18 (fixtures/odoo-differential/,
 * recorded with
 *   scripts/differential-odoo.py --calls fixtures/odoo-differential/<name>-calls.json \
 *     --record fixtures/odoo-differential/<name>.jsonl
 * against Odoo 18 serving fresh restores of both dumps, tracebacks then dropped):
 * - meta-defaults: every default in its field's write format (models.py default_get:
 *   convert_to_cache + convert_to_write; a float is a Python float, so the comparison keeps `1.0`
 *   apart from `1`), context defaults taken as JSON data (a list is no many2one, an int no
 *   many2many: ValueError), overrides without `@api.model` bound as records methods (TypeError),
 *   translated literals, `env.ref` / `precision_get` / company-field defaults, the ir.cron and
 *   mail.message overrides, ir.rule's `global` (set with setattr) and analytic's aggregated
 *   balance in fields_get;
 * - web-methods: the search panel (select_range / select_multi_range over many2one, selection and
 *   many2many fields: counters, expand, hierarchize, comodel/category/filter domains, limits,
 *   unsupported types), get_field_translations (singletons, unknown fields, missing records,
 *   translated and callable fields), onchange argument errors, and calls bound to a model's own
 *   override (its parameter names and class in Python's TypeError texts).
 * Errors compare by class and message.
 */
/**
 * Messages Ficus words otherwise, for a reason outside these methods: a parent_of through
 * res.users' parent_id (a field to res.partner) is Python's TypeError subtracting two recordsets,
 * whose text quotes the records (domain/compile.ts names the field instead).
 */
const MESSAGE_GAPS = [/^inconsistent models in: /];

/** JSON.parse that keeps a number written with a fraction or exponent apart: `{ $float: n }`. */
function parseKeepingFloats(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 40));
    if (number && (ch === '-' || /\d/.test(ch))) {
      out += number[1] || number[2] ? `{"$float":${number[0]}}` : number[0];
      i += number[0].length - 1;
      continue;
    }
    out += ch;
  }
  return JSON.parse(out);
}

const cases = ['meta-defaults', 'web-methods'].flatMap((file) =>
  readFileSync(path.join(PROJECT_ROOT, 'fixtures/odoo-differential', `${file}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      // Not jsonLines: the recording's floats are kept apart from its integers.
      const recorded = parseKeepingFloats(line) as RecordedCase;
      return { ...recorded, id: `${file}:${recorded.id}` };
    }),
);

const { engines, databases } = recordedEngines();

async function answer(recorded: RecordedCase): Promise<{ result?: unknown; error?: string; message?: string }> {
  const [db, uid, , model, method, args, kwargs] = recorded.request.body.params.args as [string, number, string, string, string, unknown[], Record<string, unknown>];
  const { context, ...rest } = kwargs ?? {};
  try {
    const value = await engines[db]!.call({ database: db, uid, model, method, args, kwargs: { ...rest, ...(context ? { context } : {}) } });
    return { result: parseKeepingFloats(stringifyPythonJson(value)) };
  } catch (error) {
    if (error instanceof OdooError) return { error: error.exceptionName, message: error.message };
    throw error;
  }
}

describe('meta and web-client method answers recorded from a real Odoo 18', () => {
  it('keeps floats apart from integers', () => {
    expect(parseKeepingFloats('[1, 1.0, "2.5", -3e2]')).toEqual([1, { $float: 1.0 }, '2.5', { $float: -300 }]);
    expect(cases.length).toBeGreaterThan(290);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const got = await answer(recorded);
      const expected = recorded.response.body;
      if (expected.error) {
        expect(got.error).toBe(expected.error.data.name);
        if (!MESSAGE_GAPS.some((gap) => gap.test(expected.error!.data.message))) expect(got.message).toBe(expected.error.data.message);
      } else expect(got.result).toEqual(expected.result);
    });
  }
});

describe('ir.default rows as ir_default.py _get_model_defaults picks them', () => {
  it("the user's row over the company's over the global one, a condition never, read at each call", async () => {
    const pool = databases.odoo_ref!.pool;
    const field = (await pool.query<{ id: number }>(`SELECT id FROM ir_model_fields WHERE model = 'res.partner' AND name = 'comment'`)).rows[0]!.id;
    const ask = async (uid: number) => ((await engines.odoo_ref!.call({ database: 'odoo_ref', uid, model: 'res.partner', method: 'default_get', args: [['comment']], kwargs: {} })) as Record<string, unknown>).comment;
    const before = await ask(2);
    await pool.query(`INSERT INTO ir_default (field_id, user_id, company_id, condition, json_value) VALUES ($1, NULL, NULL, NULL, '"global"'), ($1, NULL, 1, NULL, '"company"'), ($1, 2, NULL, 'x=1', '"conditional"')`, [field]);
    try {
      expect(await ask(2)).toBe('company');
      await pool.query(`INSERT INTO ir_default (field_id, user_id, company_id, condition, json_value) VALUES ($1, 2, NULL, NULL, '"admin''s"')`, [field]);
      expect(await ask(2)).toBe("admin's");
      const other = (await pool.query<{ id: number }>(`SELECT id FROM res_users WHERE id NOT IN (1, 2) AND active ORDER BY id LIMIT 1`)).rows[0]!.id;
      expect(await ask(other)).toBe('company');
    } finally {
      await pool.query(`DELETE FROM ir_default WHERE field_id = $1`, [field]);
    }
    expect(await ask(2)).toBe(before);
  });
});
