import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTableDefinitions } from '../../../../cdc/apply/copy-table-definitions.ts';
import { ENGINE_REFERENCE_TABLES } from '../../../../migration/control/sync/reference-tables.ts';
import type { OdooCall } from '../../../../odoo-bridge/call.ts';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { servedSchema } from '../../../../odoo-bridge/orm/write/references/served-schema.ts';
import { pgConstraintName } from '../../../../odoo-bridge/orm/write/references/odoo-foreign-keys.ts';
import { createLogger } from '../../../../platform/logger.ts';
import auth from '../../../../services/auth/index.ts';
import { createServiceEngine, provisionService, type ServiceWithOdooFace } from '../../../../services/kit/index.ts';
import trade from '../../../../services/trade/index.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../../support/databases.ts';
import { PROJECT_ROOT } from '../../../support/ficus-process.ts';

const DB = 'hp_legacy';
const logger = createLogger({ level: 'silent', format: 'json' });

/**
 * A service database as the forward sync leaves it after a backfill: the service's migrations
 * (its own tables, without foreign keys to the monolith's rows), the engine's reference tables
 * as column-for-column copies, and the rows of both copied from the monolith.
 */
async function serviceCopy(legacy: TestDatabase, service: ServiceWithOdooFace, prefix: string): Promise<TestDatabase> {
  const db = await emptyDatabase(prefix);
  await provisionService(service, db.url);
  const owned = service.odoo.models.map((m) => m.table);
  const source = await legacy.pool.connect();
  const target = await db.pool.connect();
  try {
    await copyTableDefinitions(source, target, ENGINE_REFERENCE_TABLES);
    const relations = await source.query<{ rel: string }>(
      `SELECT DISTINCT relation_table AS rel FROM ir_model_fields WHERE ttype = 'many2many' AND store AND model = ANY($1) AND relation_table IS NOT NULL`,
      [service.odoo.models.map((m) => m.model)],
    );
    for (const table of [...ENGINE_REFERENCE_TABLES, ...owned, ...relations.rows.map((r) => r.rel)]) {
      const exists = await target.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [table]);
      if (!(exists.rows[0] as { ok: boolean }).ok) continue;
      const { rows } = await source.query<{ rows: unknown }>(`SELECT coalesce(json_agg(t), '[]') AS rows FROM "${table}" t`);
      await target.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, [JSON.stringify(rows[0]!.rows)]);
    }
    for (const table of owned) {
      await target.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM "${table}"), false)`, [table]);
    }
  } finally {
    source.release();
    target.release();
  }
  return db;
}

function goldenError(id: string): { name: string; message: string } {
  const line = readFileSync(path.join(PROJECT_ROOT, 'fixtures/hp-legacy-golden-m01.jsonl'), 'utf8')
    .split('\n')
    .find((l) => l.includes(`"id": "${id}"`) || l.includes(`"id":"${id}"`))!;
  const data = JSON.parse(line).response.body.error.data;
  return { name: data.name, message: data.message };
}

async function refusal(work: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OdooError);
  return { name: (error as OdooError).exceptionName, message: (error as OdooError).message };
}

async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return rows[0]!.n;
}

let legacy: TestDatabase;
let svcAuth: TestDatabase;
let svcTrade: TestDatabase;
let callAuth: (model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>) => Promise<unknown>;
let callTrade: typeof callAuth;

beforeAll(async () => {
  legacy = await legacyDatabase();
  svcAuth = await serviceCopy(legacy, auth as ServiceWithOdooFace, 'svc_auth');
  svcTrade = await serviceCopy(legacy, trade as ServiceWithOdooFace, 'svc_trade');
  const caller = (engine: { call: (c: OdooCall) => Promise<unknown> }) => (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
    engine.call({ database: DB, uid: 2, model, method, args, kwargs });
  callAuth = caller(createServiceEngine(auth as ServiceWithOdooFace, { name: DB, pool: svcAuth.pool, legacyPool: legacy.pool, logger }));
  callTrade = caller(createServiceEngine(trade as ServiceWithOdooFace, { name: DB, pool: svcTrade.pool, legacyPool: legacy.pool, logger }));
}, 120_000);

afterAll(async () => {
  await svcTrade?.drop();
  await svcAuth?.drop();
  await legacy?.drop();
});

describe("Odoo's foreign keys in a service database that lacks them", () => {
  it('knows which keys svc_auth lacks, with the names and ondelete of the monolith', async () => {
    const engine = createFullOrmEngine({ database: { name: DB, pool: svcAuth.pool } });
    const schema = await servedSchema(await engine.registry(), svcAuth.pool);
    const lacking = schema.missing.filter((fk) => ['auth_tokens', 'permissions', 'permission_group_rel'].includes(fk.table));
    expect(lacking.map((fk) => `${fk.name} → ${fk.target} ${fk.onDelete}`).sort()).toEqual([
      'auth_tokens_create_uid_fkey → res_users set null',
      'auth_tokens_user_id_fkey → res_users cascade',
      'auth_tokens_write_uid_fkey → res_users set null',
      'permission_group_rel_group_id_fkey → res_groups cascade',
      'permission_group_rel_permission_id_fkey → permissions cascade',
      'permissions_create_uid_fkey → res_users set null',
      'permissions_write_uid_fkey → res_users set null',
    ]);
    // The copies have no id sequence; the service's own tables have.
    expect(schema.copies.has('res_users') && schema.copies.has('res_groups')).toBe(true);
    expect(schema.copies.has('auth_tokens') || schema.copies.has('permissions')).toBe(false);
  });

  it('the monolith itself lacks none of the keys it reflected and copies nothing: the guard costs it nothing', async () => {
    const engine = createFullOrmEngine({ database: { name: DB, pool: legacy.pool } });
    const schema = await servedSchema(await engine.registry(), legacy.pool);
    expect(schema.missing.map((fk) => fk.name)).toEqual([]);
    expect([...schema.copies]).toEqual([]);
    expect(schema.byColumn.get('auth_tokens.user_id')).toMatchObject({ name: 'auth_tokens_user_id_fkey', onDelete: 'cascade' });
    // And the fields tell every key the monolith has: name, target and ondelete alike.
    const physical = await legacy.pool.query<{ name: string; tbl: string; col: string; target: string; deltype: string }>(
      `SELECT fk.conname AS name, c.relname AS tbl, a.attname AS col, t.relname AS target, fk.confdeltype AS deltype
         FROM pg_constraint fk JOIN pg_class c ON c.oid = fk.conrelid JOIN pg_class t ON t.oid = fk.confrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN pg_attribute a ON a.attrelid = fk.conrelid AND a.attnum = fk.conkey[1]
        WHERE fk.contype = 'f'`,
    );
    const mode: Record<string, string> = { c: 'cascade', n: 'set null', r: 'restrict' };
    const derived = physical.rows.filter((r) => {
      const fk = schema.byColumn.get(`${r.tbl}.${r.col}`);
      return fk && fk.name === r.name && fk.target === r.target && fk.onDelete === mode[r.deltype];
    });
    // The exceptions, each for a reason no service database meets: keys created by a module's own
    // SQL rather than by a field (not reflected in ir_model_constraint), and many2many columns whose
    // Python `ondelete='restrict'` ir_model_fields does not reflect (derived as Odoo's default, cascade).
    expect(physical.rows.filter((r) => !derived.includes(r)).map((r) => `${r.name} ${r.deltype}`).sort()).toEqual([
      'auth_totp_device_user_id_fkey c', // auth_totp's init() SQL
      'ir_module_category_parent_id_fkey n', // base_data.sql
      'ir_module_module_category_id_fkey n', // base_data.sql
      'ir_module_module_dependency_module_id_fkey c', // base_data.sql
      'product_attribute_value_product_product_attribute_value_id_fkey r', // many2many, ondelete='restrict'
      'product_variant_combination_product_template_attribute_val_fkey r', // many2many, ondelete='restrict'
      'res_users_apikeys_user_id_fkey c', // res.users.apikeys init() SQL
      'rule_group_rel_group_id_fkey r', // ir.rule.groups, ondelete='restrict'
    ]);
    expect(derived.length).toBe(physical.rows.length - 8);
  });

  it('hp.auth.token.create for a user that does not exist: Odoo’s answer (golden seq_tokens#15), and no row', async () => {
    const before = await count(svcAuth.pool, 'auth_tokens');
    const answer = await refusal(callAuth('hp.auth.token', 'create', [{ user_id: 999999, token_hash: 'm01-golden-ghost' }]));
    expect(answer).toEqual(goldenError('seq_tokens#15'));
    expect(await count(svcAuth.pool, 'auth_tokens')).toBe(before);
    // The same create for a user of the monolith succeeds.
    const id = await callAuth('hp.auth.token', 'create', [{ user_id: 2, token_hash: 'fk-guard-real-user' }]);
    expect(typeof id).toBe('number');
  });

  it('a batch create stops at the first row pointing nowhere, as the one INSERT of Odoo would', async () => {
    const before = await count(svcAuth.pool, 'auth_tokens');
    const answer = await refusal(
      callAuth('hp.auth.token', 'create', [[{ user_id: 2, token_hash: 'fk-batch-1' }, { user_id: 424242, token_hash: 'fk-batch-2' }]]),
    );
    expect(answer.message).toContain('Constraint: auth_tokens_user_id_fkey');
    expect(await count(svcAuth.pool, 'auth_tokens')).toBe(before);
  });

  it('linking a group that does not exist names the relation table’s key, as PostgreSQL would in the monolith', async () => {
    for (const groups of [[[4, 999999]], [[6, 0, [1, 999999]]], [999999]]) {
      const answer = await refusal(callAuth('hp.permission', 'create', [{ name: 'Ghost group', code: `fk.ghost.${JSON.stringify(groups)}`, group_ids: groups }]));
      expect(answer).toEqual({
        name: 'odoo.exceptions.ValidationError',
        message:
          'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
          'Model: Unknown (unknown)\nConstraint: permission_group_rel_group_id_fkey\n',
      });
    }
    expect(await count(svcAuth.pool, `permissions WHERE code LIKE 'fk.ghost.%'`)).toBe(0);
  });

  it('(0, 0, vals) on group_ids: a clear UserError, since svc_auth only copies res.groups', async () => {
    const answer = await refusal(callAuth('hp.permission', 'create', [{ name: 'With group', code: 'golden.newgroup', group_ids: [[0, 0, { name: 'Golden group' }]] }]));
    expect(answer.name).toBe('odoo.exceptions.UserError');
    expect(answer.message).toContain('Ficus cannot create Access Groups (res.groups) records through hp.permission.group_ids here');
    expect(answer.message).toContain('(4, id)');
    expect(answer.message).not.toMatch(/\bid\b.*mandatory|Field: ID/);
    // (1, id, vals) and (2, id) would change or delete the copy: refused alike.
    const write = await refusal(callAuth('hp.permission', 'write', [[1], { group_ids: [[1, 1, { name: 'renamed' }]] }]));
    expect(write.message).toContain('Ficus cannot change Access Groups (res.groups) records through hp.permission.group_ids');
  });

  it('unlink of a permission removes its group links (Odoo’s ON DELETE CASCADE that svc_auth lacks)', async () => {
    const id = (await callAuth('hp.permission', 'create', [{ name: 'Linked', code: 'fk.linked', group_ids: [[6, 0, [1, 2]]] }])) as number;
    expect(await count(svcAuth.pool, 'permission_group_rel WHERE permission_id = $1', [id])).toBe(2);
    await callAuth('hp.permission', 'unlink', [[id]]);
    expect(await count(svcAuth.pool, 'permission_group_rel WHERE permission_id = $1', [id])).toBe(0);
  });

  it('trade: service orders and health services refuse customers, coaches and currencies that do not exist', async () => {
    const engine = createFullOrmEngine({ database: { name: DB, pool: svcTrade.pool } });
    const schema = await servedSchema(await engine.registry(), svcTrade.pool);
    const names = schema.missing.map((fk) => fk.name);
    for (const name of ['service_orders_customer_id_fkey', 'service_orders_currency_id_fkey', 'service_orders_health_worker_id_fkey', 'health_services_currency_id_fkey', 'health_services_coach_id_fkey', 'grab_orders_coach_id_fkey']) {
      expect(names).toContain(name);
    }
    // svc_trade dropped even the keys between its own tables (its snapshot fills one table at a time).
    expect(schema.missing.find((fk) => fk.name === 'service_orders_service_id_fkey')).toMatchObject({ target: 'health_services', onDelete: 'restrict' });
    expect(schema.missing.find((fk) => fk.name === 'appointments_order_id_fkey')).toMatchObject({ target: 'service_orders', onDelete: 'cascade' });
    // Odoo's keys among the copies themselves (res_users.partner_id…) are missing too, and harmless: nothing writes a copy.

    const service = (await svcTrade.pool.query<{ id: number; currency_id: number; category: string }>('SELECT id, currency_id, category FROM health_services ORDER BY id LIMIT 1')).rows[0]!;
    const order = await refusal(callTrade('hp.service.order', 'create', [{ customer_id: 999999, service_id: service.id, currency_id: service.currency_id, amount: 10 }]));
    expect(order.message).toBe(
      'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
        'Model: Service Order (hp.service.order)\nConstraint: service_orders_customer_id_fkey\n',
    );
    const catalogue = await refusal(callTrade('hp.health.service', 'create', [{ name: 'Ghost currency', category: service.category, currency_id: 999999, price: 1 }]));
    expect(catalogue.message).toContain('Constraint: health_services_currency_id_fkey');
  });
});

describe('the same rules on a database that lost a key (generic over every model)', () => {
  it('restrict refuses, set null clears and cascade deletes, as the dropped keys did', async () => {
    const db = await legacyDatabase();
    try {
      // Keys of three ondelete kinds, dropped: the engine must now do what they did.
      await db.pool.query(`ALTER TABLE service_orders DROP CONSTRAINT service_orders_service_id_fkey`); // restrict
      await db.pool.query(`ALTER TABLE appointments DROP CONSTRAINT appointments_order_id_fkey`); // cascade
      await db.pool.query(`ALTER TABLE community_posts DROP CONSTRAINT community_posts_group_id_fkey`); // set null
      const engine = createFullOrmEngine({ database: { name: DB, pool: db.pool } });
      const call = (model: string, method: string, args: unknown[]) => engine.call({ database: DB, uid: 1, model, method, args, kwargs: {} });

      const held = (await db.pool.query<{ service_id: number }>('SELECT service_id FROM service_orders WHERE service_id IS NOT NULL LIMIT 1')).rows[0]!;
      const answer = await refusal(call('hp.health.service', 'unlink', [[held.service_id]]));
      expect(answer.message).toContain('Model: Service Order (hp.service.order)\nConstraint: service_orders_service_id_fkey\n');
      expect(await count(db.pool, 'health_services WHERE id = $1', [held.service_id])).toBe(1);

      const group = (await db.pool.query<{ group_id: number }>('SELECT group_id FROM community_posts WHERE group_id IS NOT NULL LIMIT 1')).rows[0]!;
      const posts = await count(db.pool, 'community_posts WHERE group_id = $1', [group.group_id]);
      expect(posts).toBeGreaterThan(0);
      await db.pool.query(`DELETE FROM members WHERE group_id = $1`, [group.group_id]);
      await call('hp.community.group', 'unlink', [[group.group_id]]);
      expect(await count(db.pool, 'community_groups WHERE id = $1', [group.group_id])).toBe(0);
      expect(await count(db.pool, 'community_posts WHERE group_id = $1', [group.group_id])).toBe(0);
      expect(await count(db.pool, 'community_posts WHERE group_id IS NULL')).toBeGreaterThanOrEqual(posts);

      const order = (await db.pool.query<{ order_id: number }>(
        `SELECT a.order_id FROM appointments a WHERE a.order_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM grab_orders g WHERE g.service_order_id = a.order_id) LIMIT 1`,
      )).rows[0]!;
      expect(await count(db.pool, 'appointments WHERE order_id = $1', [order.order_id])).toBeGreaterThan(0);
      await db.pool.query(`DELETE FROM ratings WHERE order_id = $1`, [order.order_id]).catch(() => undefined);
      await call('hp.service.order', 'unlink', [[order.order_id]]);
      expect(await count(db.pool, 'appointments WHERE order_id = $1', [order.order_id])).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('names keys as PostgreSQL does when table and column are too long together', () => {
    expect(pgConstraintName('product_template_attribute_value', 'product_attribute_value_id', 'fkey')).toBe('product_template_attribute_valu_product_attribute_value_id_fkey');
    expect(pgConstraintName('auth_tokens', 'user_id', 'fkey')).toBe('auth_tokens_user_id_fkey');
    for (const name of [pgConstraintName('a'.repeat(80), 'b'.repeat(5), 'fkey'), pgConstraintName('a'.repeat(40), 'b'.repeat(40), 'fkey')]) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    }
  });
});
