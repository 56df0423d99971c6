import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import type { ModelInfo } from '../../../../odoo-bridge/orm/registry/types.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * Every ORM method that returns record data × every personal model of the monolith × random
 * ids and domains, as random members and coaches: a caller only ever sees the rows the
 * addons' ACLs and record rules allow (/work/shared/legacy-odoo README "Record rules"), and
 * explicit ids outside them fail with AccessError instead of being read. The oracle is written
 * here from the addons' rules, independently of the engine's own rule evaluation.
 */

type Role = 'member' | 'coach';

interface Personal {
  table: string;
  /** The column that says whose row it is (used to build "someone else's rows" domains). */
  owner: string;
  /** SQL predicate of the rows `$1` (the uid) may read, per role; null: no read right at all. */
  member: string | null;
  coach: string | null;
}

const own = (column: string) => `${column} = $1`;
const PERSONAL: Record<string, Personal> = {
  'hp.health.record': { table: 'health_records', owner: 'user_id', member: own('user_id'), coach: 'true' },
  'hp.device.binding': { table: 'device_bindings', owner: 'user_id', member: own('user_id'), coach: own('user_id') },
  'hp.health.goal': { table: 'health_goals', owner: 'user_id', member: own('user_id'), coach: own('user_id') },
  'hp.assessment': { table: 'assessments', owner: 'user_id', member: own('user_id'), coach: '(user_id = $1 OR coach_id = $1)' },
  'hp.auth.token': { table: 'auth_tokens', owner: 'user_id', member: own('user_id'), coach: own('user_id') },
  'hp.points.transaction': { table: 'points_transactions', owner: 'user_id', member: own('user_id'), coach: own('user_id') },
  'hp.notification': { table: 'notifications', owner: 'user_id', member: own('user_id'), coach: own('user_id') },
  'hp.ai.insight': { table: 'insights', owner: 'user_id', member: own('user_id'), coach: own('user_id') },
  'hp.ai.generation.task': { table: 'generation_tasks', owner: 'requester_id', member: own('requester_id'), coach: own('requester_id') },
  'hp.user.feed': { table: 'user_feeds', owner: 'user_id', member: own('user_id'), coach: own('user_id') },
  'hp.recommendation': { table: 'recommendations', owner: 'user_id', member: own('user_id'), coach: own('user_id') },
  'hp.service.order': {
    table: 'service_orders', owner: 'customer_id', member: own('customer_id'),
    coach: "(customer_id = $1 OR health_worker_id = $1 OR (state = 'paid' AND health_worker_id IS NULL))",
  },
  'hp.appointment': { table: 'appointments', owner: 'customer_id', member: '(customer_id = $1 OR health_worker_id = $1)', coach: '(customer_id = $1 OR health_worker_id = $1)' },
  'hp.payment': { table: 'payments', owner: 'payer_id', member: own('payer_id'), coach: own('payer_id') },
  'hp.settlement': { table: 'settlements', owner: 'payee_id', member: null, coach: own('payee_id') },
  'hp.mall.order': { table: 'orders', owner: 'buyer_id', member: own('buyer_id'), coach: own('buyer_id') },
  'hp.biz.dashboard': { table: 'biz_dashboards', owner: 'owner_id', member: null, coach: own('owner_id') },
  'hp.grab.order': { table: 'grab_orders', owner: 'coach_id', member: null, coach: own('coach_id') },
};
const PERSONAL_MODELS = Object.keys(PERSONAL);

/** Engine methods that return no record data (metadata, rights, existence as Odoo answers it). */
const NOT_RECORD_DATA = new Set(['fields_get', 'default_get', 'check_access_rights', 'check_field_access_rights', 'has_access', 'check_access', 'context_get', 'exists', 'get_available_models', 'display_name_for', 'check_object_reference', 'get_external_id', 'fetch', 'get_base_url', 'check_access_rule',
  // Views and the web client's helpers: archs, field descriptions, an action naming the given id, static help.
  'get_views', 'get_view', 'view_header_get', 'get_import_templates', 'get_formview_id', 'get_formview_action', 'get_empty_list_help',
  // res.lang's installed languages (code and name), the same for every user: Odoo reads them with sudo.
  'get_installed']);
/** The record-data methods this test drives; a method served later must be added here or above. */
const DRIVEN = ['read', 'web_read', 'get_metadata', 'copy_data', 'export_data', 'onchange', 'get_field_translations', 'web_search_read', 'search_read', 'search', 'search_fetch', 'search_count', 'read_group', 'web_read_group', 'read_progress_bar', 'name_search'] as const;
type Driven = (typeof DRIVEN)[number];
/**
 * Record-data methods made only of driven ones, each run as the caller: the search panel's values and
 * counters are a read_group, a search_read and search_counts of the user (methods/search-panel.ts).
 */
const BUILT_ON_DRIVEN = new Set(['search_panel_select_range', 'search_panel_select_multi_range']);
/** Write-side methods: they answer ids/True, never rows (covered by the write rules' tests). */
const WRITE_SIDE = new Set(['create', 'write', 'unlink', 'copy', 'name_create', 'action_archive', 'action_unarchive', 'toggle_active', 'web_save']);

let db: TestDatabase;
let engine: OrmEngine;
let models: Map<string, ModelInfo>;
const idsByModel = new Map<string, number[]>();
/** (source model, relational field) pairs that lead into a personal model, for nested specifications. */
let nestings: Array<{ model: ModelInfo; field: string; target: string }> = [];

beforeAll(async () => {
  db = await legacyDatabase();
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool } });
  const registry = await engine.registry();
  models = new Map(PERSONAL_MODELS.map((name) => [name, registry.model(name)!]));
  for (const [name, spec] of Object.entries(PERSONAL)) {
    const { rows } = await db.pool.query<{ id: number }>(`SELECT id FROM ${spec.table} ORDER BY id`);
    idsByModel.set(name, rows.map((r) => r.id));
  }
  nestings = [];
  for (const model of registry.models.values()) {
    if (!model.table || !(model.name.startsWith('hp.') || model.name === 'res.users')) continue;
    for (const field of model.fields.values()) {
      if (!field.relation || !PERSONAL[field.relation]) continue;
      if (field.type === 'many2one' && !field.column) continue;
      if ((field.type === 'one2many' && !field.relationField) || (field.type === 'many2many' && !field.relationTable)) continue;
      if (!['many2one', 'one2many', 'many2many'].includes(field.type)) continue;
      nestings.push({ model, field: field.name, target: field.relation });
    }
  }
});
afterAll(async () => {
  await db?.drop();
});

function predicate(model: string, role: Role): string | null {
  return PERSONAL[model]![role];
}

/** Ids of `model` the role may read among `candidates` (null: all rows), per the addons' rules. */
async function allowed(model: string, role: Role, uid: number, candidates: number[] | null, extra = 'true', activeOnly = false): Promise<Set<number>> {
  const where = predicate(model, role);
  if (where === null) return new Set();
  const spec = PERSONAL[model]!;
  const active = activeOnly && models.get(model)!.fields.get('active')?.column ? ' AND active' : '';
  const { rows } = await db.pool.query<{ id: number }>(
    `SELECT id FROM ${spec.table} WHERE $1::int4 IS NOT NULL AND ${where} AND (${extra})${active}${candidates ? ' AND id = ANY($2::int4[])' : ''}`,
    candidates ? [uid, candidates] : [uid],
  );
  return new Set(rows.map((r) => r.id));
}

const call = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
  engine.call({ database: 'hp_legacy', uid, model, method, args, kwargs });

async function outcome(promise: Promise<unknown>): Promise<{ ok: true; value: any } | { ok: false; error: OdooError }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (error instanceof OdooError) return { ok: false, error };
    throw error;
  }
}

function dataFields(model: ModelInfo): string[] {
  const owner = Object.values(PERSONAL).find((p) => p.table === model.table)?.owner;
  const scalar = [...model.fields.values()].filter((f) => f.column && f.name !== 'id' && !['create_uid', 'write_uid', 'create_date', 'write_date'].includes(f.name) && f.type !== 'many2one');
  return [...new Set([owner ?? 'id', ...scalar.slice(0, 3).map((f) => f.name)])].filter((n) => model.fields.has(n));
}

const roleArb = fc.oneof(
  fc.integer({ min: 6, max: 245 }).map((uid) => ({ role: 'member' as Role, uid })),
  fc.integer({ min: 246, max: 285 }).map((uid) => ({ role: 'coach' as Role, uid })),
);

/** A few ids of the model: random existing ones (anyone's), the caller's own, and one that does not exist. */
function idsArb(model: string) {
  return fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.boolean()).map(([picks, withMissing]) => {
    const all = idsByModel.get(model)!;
    const ids = picks.map((p) => all[p % all.length]!).filter((id) => id !== undefined);
    if (withMissing) ids.push(900_000_000 + (picks[0]! % 1_000_000));
    return ids;
  });
}

type DomainShape = { kind: 'all' } | { kind: 'ids'; ids: number[] } | { kind: 'owner'; uid: number };
function domainArb(model: string): fc.Arbitrary<DomainShape> {
  return fc.oneof(
    fc.constant<DomainShape>({ kind: 'all' }),
    idsArb(model).map((ids): DomainShape => ({ kind: 'ids', ids })),
    fc.integer({ min: 6, max: 285 }).map((uid): DomainShape => ({ kind: 'owner', uid })),
  );
}
function domainOf(model: string, shape: DomainShape): unknown[] {
  if (shape.kind === 'all') return [];
  if (shape.kind === 'ids') return [['id', 'in', shape.ids]];
  return [[PERSONAL[model]!.owner, '=', shape.uid]];
}
function oracleFor(model: string, role: Role, uid: number, shape: DomainShape): Promise<Set<number>> {
  if (shape.kind === 'all') return allowed(model, role, uid, null, 'true', true);
  if (shape.kind === 'ids') return allowed(model, role, uid, shape.ids, 'true', true);
  return allowed(model, role, uid, null, `${PERSONAL[model]!.owner} = ${Number(shape.uid)}`, true);
}

/** Asserts what one driven call answered, against the oracle. */
async function checkCall(method: Driven, model: string, who: { role: Role; uid: number }, ids: number[], shape: DomainShape): Promise<void> {
  const { role, uid } = who;
  const info = models.get(model)!;
  const fields = dataFields(info);
  const noRight = predicate(model, role) === null;
  const domain = domainOf(model, shape);
  const spec = Object.fromEntries(fields.map((f) => [f, {}]));
  let result: Awaited<ReturnType<typeof outcome>>;
  switch (method) {
    case 'read':
    case 'web_read':
    case 'get_metadata': {
      result = await outcome(
        method === 'read' ? call(uid, model, 'read', [ids, fields])
        : method === 'web_read' ? call(uid, model, 'web_read', [ids], { specification: spec })
        : call(uid, model, 'get_metadata', [ids]),
      );
      const visible = await allowed(model, role, uid, ids);
      const existing = new Set((await db.pool.query<{ id: number }>(`SELECT id FROM ${info.table} WHERE id = ANY($1::int4[])`, [ids])).rows.map((r) => r.id));
      const denied = [...existing].filter((id) => !visible.has(id));
      if (noRight || denied.length) {
        expect(result.ok, `${method} ${model} ${JSON.stringify(ids)} as ${role} ${uid} must fail`).toBe(false);
        if (!result.ok) expect(result.error.exceptionName).toBe('odoo.exceptions.AccessError');
        return;
      }
      expect(result.ok, !result.ok ? result.error.message : '').toBe(true);
      const got = (result as { value: Array<{ id: number }> }).value.map((r) => r.id);
      expect(new Set(got)).toEqual(new Set(ids.filter((id) => existing.has(id))));
      return;
    }
    case 'copy_data':
    case 'export_data':
    case 'onchange':
    case 'get_field_translations': {
      // Each answers a record's values (copy_data's defaults for a copy, export_data's rows, the
      // form's onchange on an existing record, a field's value per language): an answer at all says
      // the caller may read them.
      const existing = new Set((await db.pool.query<{ id: number }>(`SELECT id FROM ${info.table} WHERE id = ANY($1::int4[])`, [ids])).rows.map((r) => r.id));
      const targets = ids.filter((id) => existing.has(id));
      const asked = method === 'onchange' || method === 'get_field_translations' ? targets.slice(0, 1) : targets;
      // get_field_translations is for one record (ensure_one): nothing to ask without one.
      if (method === 'get_field_translations' && !asked.length) return;
      result = await outcome(
        method === 'copy_data' ? call(uid, model, method, [asked])
        : method === 'export_data' ? call(uid, model, method, [asked, fields])
        : method === 'get_field_translations' ? call(uid, model, method, [asked, fields[0]])
        : call(uid, model, method, [asked, {}, [], spec]),
      );
      const visible = await allowed(model, role, uid, asked);
      const denied = asked.filter((id) => !visible.has(id));
      if (result.ok) {
        expect(noRight || denied.length > 0, `${method} ${model} ${JSON.stringify(asked)} as ${role} ${uid} answered rows it may not read`).toBe(false);
        if (method === 'copy_data') expect((result.value as unknown[]).length).toBe(asked.length);
        if (method === 'export_data') expect((result.value as { datas: unknown[] }).datas.length).toBeGreaterThanOrEqual(asked.length);
      } else if (noRight || denied.length) {
        // Refused: by the rules (AccessError), or before them (export_data without the export right, an onchange Ficus cannot run: UserError).
        expect(['odoo.exceptions.AccessError', 'odoo.exceptions.UserError']).toContain(result.error.exceptionName);
      }
      return;
    }
    case 'web_search_read':
    case 'search_read':
    case 'search':
    case 'search_fetch':
    case 'name_search': {
      const promise =
        method === 'web_search_read' ? call(uid, model, method, [domain], { specification: spec })
        : method === 'search_read' ? call(uid, model, method, [domain], { fields })
        : method === 'search_fetch' ? call(uid, model, method, [domain, fields])
        : method === 'name_search' ? call(uid, model, method, [], { name: '', args: domain, limit: 0 })
        : call(uid, model, method, [domain]);
      result = await outcome(promise);
      if (noRight) {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.exceptionName).toBe('odoo.exceptions.AccessError');
        return;
      }
      expect(result.ok, !result.ok ? result.error.message : '').toBe(true);
      const value = (result as { value: any }).value;
      const got: number[] =
        method === 'web_search_read' ? value.records.map((r: { id: number }) => r.id)
        : method === 'search_read' ? value.map((r: { id: number }) => r.id)
        : method === 'name_search' ? value.map((pair: [number, string]) => pair[0])
        : value;
      const expected = await oracleFor(model, role, uid, shape);
      expect(new Set(got), `${method} ${model} ${JSON.stringify(domain)} as ${role} ${uid}`).toEqual(expected);
      return;
    }
    case 'read_progress_bar': {
      // The columns (group_by values) it answers are the owners of the rows the caller may read.
      const owner = PERSONAL[model]!.owner;
      result = await outcome(call(uid, model, method, [domain, owner, { field: owner, colors: {} }]));
      if (noRight) {
        expect(result.ok).toBe(false);
        return;
      }
      expect(result.ok, !result.ok ? result.error.message : '').toBe(true);
      const visible = [...(await oracleFor(model, role, uid, shape))];
      const { rows } = await db.pool.query<{ owner: number | null }>(`SELECT DISTINCT ${owner} AS owner FROM ${info.table} WHERE id = ANY($1::int4[])`, [visible]);
      const columns = Object.keys((result as { value: Record<string, unknown> }).value);
      expect(new Set(columns), `${method} ${model} ${JSON.stringify(domain)} as ${role} ${uid}`).toEqual(new Set(rows.map((r) => (r.owner === null ? 'False' : String(r.owner)))));
      return;
    }
    case 'search_count':
    case 'read_group':
    case 'web_read_group': {
      const owner = PERSONAL[model]!.owner;
      const promise =
        method === 'search_count' ? call(uid, model, method, [domain])
        : method === 'read_group' ? call(uid, model, method, [domain, [owner], [owner]], { lazy: false })
        : call(uid, model, method, [domain, [owner], [owner]], { lazy: false });
      result = await outcome(promise);
      if (noRight) {
        expect(result.ok).toBe(false);
        return;
      }
      expect(result.ok, !result.ok ? result.error.message : '').toBe(true);
      const value = (result as { value: any }).value;
      const groups: Array<Record<string, unknown>> = method === 'search_count' ? [] : method === 'read_group' ? value : value.groups;
      const counted = method === 'search_count' ? value : groups.reduce((n, g) => n + Number(g.__count), 0);
      const expected = await oracleFor(model, role, uid, shape);
      expect(counted, `${method} ${model} ${JSON.stringify(domain)} as ${role} ${uid}`).toBe(expected.size);
      return;
    }
  }
}

describe('no read path shows a member or coach rows the rules keep from them', () => {
  it('the driven methods are every record-data method the engine serves', () => {
    const served = Object.keys(engine.methods).filter((m) => !NOT_RECORD_DATA.has(m) && !WRITE_SIDE.has(m) && !BUILT_ON_DRIVEN.has(m));
    expect(new Set(served)).toEqual(new Set(DRIVEN));
  });

  it('the data holds rows of several owners for every personal model', async () => {
    for (const [model, spec] of Object.entries(PERSONAL)) {
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(DISTINCT ${spec.owner})::int AS n FROM ${spec.table}`);
      expect(rows[0]!.n, model).toBeGreaterThan(1);
    }
  });

  it('read, web_read, searches, counts and groups × personal models × random ids (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...DRIVEN),
        fc.constantFrom(...PERSONAL_MODELS),
        roleArb,
        fc.nat(),
        fc.nat(),
        async (method, model, who, seedA, seedB) => {
          const ids = fc.sample(idsArb(model), { numRuns: 1, seed: seedA })[0]!;
          const shape = fc.sample(domainArb(model), { numRuns: 1, seed: seedB })[0]!;
          await checkCall(method, model, who, ids, shape);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('nested web_read specifications never reach a personal row the caller could not read (property)', async () => {
    expect(nestings.length).toBeGreaterThan(3);
    const seen = { reached: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.nat(), roleArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.boolean(), async (pick, who, picks, fromOwn) => {
        const { model, field, target } = nestings[pick % nestings.length]!;
        // Source records: anyone's, or ones the caller may read themselves (so nested rows are reached too).
        const own = fromOwn ? await outcome(call(who.uid, model.name, 'search', [[]], { limit: 50 })) : null;
        const rows = own?.ok ? (own.value as number[]).map((id) => ({ id }))
          : (await db.pool.query<{ id: number }>(`SELECT id FROM ${model.table} ORDER BY id`)).rows;
        if (!rows.length) return;
        const ids = [...new Set(picks.map((p) => rows[p % rows.length]!.id))];
        const targetInfo = models.get(target)!;
        const nested = Object.fromEntries(dataFields(targetInfo).map((f) => [f, {}]));
        const result = await outcome(call(who.uid, model.name, 'web_read', [ids], { specification: { [field]: { fields: nested } } }));
        if (!result.ok) {
          // Refusing is always safe; it must be Odoo's AccessError, not a crash.
          expect(['odoo.exceptions.AccessError', 'odoo.exceptions.MissingError']).toContain(result.error.exceptionName);
          seen.refused++;
          return;
        }
        const reached: number[] = [];
        for (const record of result.value as Array<Record<string, unknown>>) {
          const value = record[field];
          const dicts = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : [];
          for (const dict of dicts as Array<Record<string, unknown>>) {
            if (Object.keys(dict).some((k) => k !== 'id')) reached.push(dict.id as number);
          }
        }
        seen.reached += reached.length;
        const visible = await allowed(target, who.role, who.uid, reached);
        const leaked = reached.filter((id) => !visible.has(id));
        expect(leaked, `${model.name}.${field} → ${target} as ${who.role} ${who.uid}`).toEqual([]);
      }),
      { numRuns: 200 },
    );
    // The property saw both sides: nested rows the caller may read, and refusals.
    expect(seen.reached).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
});
