import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { loadRegistry } from '../../../../odoo-bridge/orm/registry/registry-cache.ts';
import { pythonFactsOf } from '../../../../odoo-bridge/orm/registry/python-field-facts.ts';
import type { Registry } from '../../../../odoo-bridge/orm/registry/types.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import { legacyDatabase, odooRefDatabase, testFilestores, type TestDatabase } from '../../../support/databases.ts';
import { PROJECT_ROOT } from '../../../support/ficus-process.ts';

/**
 * What a minimal `create` stores, model by model, as a real Odoo 18 stored it
 * (fixtures/odoo-create-defaults/recorded.jsonl, recorded with
 *   scripts/differential-create-rows.py --record fixtures/odoo-create-defaults/recorded.jsonl …
 * against Odoo 18 and Ficus serving fresh copies of odoo_ref and hp_legacy; each line is a model
 * both sides created, with the values sent, Odoo's row — every column — and its chatter).
 *
 * The rules behind it: every literal and environment Python default of every installed module
 * (registry/python-field-facts.ts), `randint` defaults (tag colours: a value in the bounds, not
 * the same draw), create overrides' value rewriting (res.country's upper-case code), stored
 * computes (res.currency.decimal_places), and mail.thread's creation note and follower, with the
 * switches a model's create override passes to super() (crm.team subscribes nobody).
 */
interface RecordedCreate {
  db: 'odoo_ref' | 'hp_legacy';
  model: string;
  table: string;
  vals: Record<string, unknown>;
  row: Record<string, unknown>;
  chatter: { messages: unknown[]; followers: unknown[] };
  /** many2one columns to records the recording run made: their ids may differ, their presence not. */
  made_here: string[];
}

/** Columns whose value is the moment or the sequence of the run. */
const VOLATILE = new Set(['id', 'create_date', 'write_date', 'date', 'message_id', 'date_order', 'date_deadline']);

/**
 * Models where Ficus still stores otherwise, and why (each a gap of its own, not hidden). Most are
 * stored computes declared `readonly=False`: the database reflects them as writable, so the engine
 * neither refuses nor computes them and stores NULL where Odoo runs the compute.
 */
const SILENT_COMPUTE = 'a stored readonly=False compute left NULL';
const KNOWN_GAPS: Record<string, string> = {
  'odoo_ref:account.payment.method.line': `${SILENT_COMPUTE} (name)`,
  'odoo_ref:account.payment.term': `${SILENT_COMPUTE} (early_pay_discount_computation)`,
  'odoo_ref:account.report': `${SILENT_COMPUTE} (availability_condition, filter_*)`,
  'odoo_ref:resource.calendar.attendance': `${SILENT_COMPUTE} (duration_days)`,
  // privacy.log create anonymises the name and email (privacy_log.py _anonymize_*): not ported.
  'odoo_ref:privacy.log': 'its create override anonymises name and email',
  'hp_legacy:privacy.log': 'its create override anonymises name and email',
};

const cases: RecordedCreate[] = readFileSync(path.join(PROJECT_ROOT, 'fixtures/odoo-create-defaults/recorded.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as RecordedCreate);

const databases: Record<string, TestDatabase> = {};
const engines: Record<string, OrmEngine> = {};
const registries: Record<string, Registry> = {};

beforeAll(async () => {
  databases.odoo_ref = await odooRefDatabase();
  databases.hp_legacy = await legacyDatabase();
  engines.odoo_ref = createFullOrmEngine({ database: { name: 'odoo_ref', pool: databases.odoo_ref.pool }, filestore: testFilestores().odooRef });
  engines.hp_legacy = createFullOrmEngine({ database: { name: 'hp_legacy', pool: databases.hp_legacy.pool }, filestore: testFilestores().legacy });
  for (const name of ['odoo_ref', 'hp_legacy']) registries[name] = await loadRegistry({ name, pool: databases[name]!.pool });
}, 120_000);
afterAll(async () => {
  await Promise.all(Object.values(databases).map((db) => db.drop()));
});

async function chatterOf(db: TestDatabase, model: string, id: number): Promise<{ messages: unknown[]; followers: unknown[] }> {
  const messages = await db.pool.query<{ m: unknown }>(
    `SELECT json_build_object('message_type', m.message_type, 'subtype', s.name->>'en_US', 'body', m.body, 'author_id', m.author_id,
            'tracking', (SELECT count(*) FROM mail_tracking_value v WHERE v.mail_message_id = m.id)) AS m
       FROM mail_message m LEFT JOIN mail_message_subtype s ON s.id = m.subtype_id WHERE m.model = $1 AND m.res_id = $2 ORDER BY m.id`,
    [model, id],
  );
  const followers = await db.pool.query<{ f: unknown }>(
    `SELECT json_build_object('partner_id', partner_id, 'subtypes', (SELECT count(*) FROM mail_followers_mail_message_subtype_rel r WHERE r.mail_followers_id = f.id)) AS f
       FROM mail_followers f WHERE res_model = $1 AND res_id = $2 ORDER BY id`,
    [model, id],
  );
  return { messages: messages.rows.map((r) => r.m), followers: followers.rows.map((r) => r.f) };
}

/** The columns that differ from Odoo's row (a random default: any draw within its bounds). */
function differences(recorded: RecordedCreate, row: Record<string, unknown>): string[] {
  const model = registries[recorded.db]!.model(recorded.model)!;
  const defaults = pythonFactsOf(registries[recorded.db]!, model).defaults;
  const out: string[] = [];
  for (const column of new Set([...Object.keys(recorded.row), ...Object.keys(row)])) {
    if (VOLATILE.has(column)) continue;
    const want = recorded.row[column];
    const got = row[column];
    const random = [...defaults].find(([name]) => model.fields.get(name)?.column === column)?.[1];
    if (random && 'random' in random && want !== null) {
      if (typeof got !== 'number' || got < random.random[0] || got > random.random[1]) out.push(`${column}: a draw in ${random.random.join('..')} / ${JSON.stringify(got)}`);
      continue;
    }
    if (recorded.made_here.includes(column) && want !== null && got !== null && got !== undefined) continue;
    if (!isDeepStrictEqual(want, got)) out.push(`${column}: ${JSON.stringify(want)} / ${JSON.stringify(got)}`);
  }
  return out;
}

describe('a minimal create stores what Odoo 18 stores, on every model both create', () => {
  it('covers many models of both databases', () => {
    expect(cases.filter((c) => c.db === 'odoo_ref').length).toBeGreaterThan(20);
    expect(cases.filter((c) => c.db === 'hp_legacy').length).toBeGreaterThan(20);
  });

  // In the recorded order: later creates may lean on earlier ones, as in the recording.
  for (const recorded of cases) {
    const gap = KNOWN_GAPS[`${recorded.db}:${recorded.model}`];
    it(`${recorded.db} ${recorded.model}${gap ? ` (known gap: ${gap})` : ''}`, async () => {
      let id: number;
      try {
        const made = await engines[recorded.db]!.call({ database: recorded.db, uid: 2, model: recorded.model, method: 'create', args: [recorded.vals], kwargs: {} });
        id = (Array.isArray(made) ? made[0] : made) as number;
      } catch (error) {
        if (gap && error instanceof OdooError) return;
        throw error;
      }
      const db = databases[recorded.db]!;
      const row = (await db.pool.query<{ r: Record<string, unknown> }>(`SELECT row_to_json(t) AS r FROM "${recorded.table}" t WHERE id = $1`, [id])).rows[0]!.r;
      const diffs = differences(recorded, row);
      const chatter = await chatterOf(db, recorded.model, id);
      if (!isDeepStrictEqual(chatter, recorded.chatter)) diffs.push(`chatter: ${JSON.stringify(recorded.chatter)} / ${JSON.stringify(chatter)}`);
      // A known gap that starts matching must leave the list (the list only shrinks).
      if (gap) expect(diffs).not.toEqual([]);
      else expect(diffs).toEqual([]);
    });
  }
});
