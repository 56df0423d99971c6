import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessPolicy, loadRegistry, type AccessMode, type FicusUserAccess, type Queryable, type Registry } from '../../../odoo-bridge/orm/index.ts';
import {
  mayReadPermissionsOf,
  userGrants,
  userPermissions,
  type PermissionSources,
  type UserPermissions,
} from '../../../services/auth/domain/user-permissions.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';

// Demo users of hp_legacy (shared/legacy-odoo/README.md "Logins").
const SYSTEM = 1;
const ADMIN = 2;
const MEMBER001 = 6;
const MEMBER002 = 7;
const COACH001 = 246;
const MERCHANT001 = 286;
const OPERATOR001 = 301;
const OPERATOR002 = 302;

const MODES: readonly AccessMode[] = ['read', 'write', 'create', 'unlink'];

let legacy: TestDatabase;
let registry: Registry;
let same: PermissionSources;

beforeAll(async () => {
  legacy = await legacyDatabase();
  registry = await loadRegistry({ name: legacy.name, pool: legacy.pool });
  same = { legacy: legacy.pool, permissions: legacy.pool };
});
afterAll(async () => {
  await legacy?.drop();
});

async function permissionsOf(sources: PermissionSources, uid: number): Promise<UserPermissions> {
  const found = await userPermissions(sources, uid);
  if (!found) throw new Error(`no permissions for uid ${uid}`);
  return found;
}

const xmlidsOf = (p: { groups: Array<{ xmlid: string | null }> }) => p.groups.flatMap((g) => (g.xmlid ? [g.xmlid] : []));
const groupOf = (p: UserPermissions, xmlid: string) => p.groups.find((g) => g.xmlid === xmlid);

/** A Queryable that counts the statements sent through it. */
function counting(db: Queryable): Queryable & { count: number } {
  const counter = {
    count: 0,
    query: ((...args: Parameters<Queryable['query']>) => {
      counter.count++;
      return (db.query as (...a: unknown[]) => unknown)(...args);
    }) as Queryable['query'],
  };
  return counter;
}

/**
 * Every model of the registry × every mode: the summary says exactly what the ORM engine's own
 * access policy enforces on RPC, so the two can never drift apart.
 */
function expectSameAsPolicy(reg: Registry, summary: UserPermissions, access: FicusUserAccess): void {
  const differences: string[] = [];
  for (const model of reg.models.values()) {
    for (const mode of MODES) {
      const said = summary.acl[model.name]?.[mode] ?? false;
      if (said !== access.hasModel(model, mode)) differences.push(`${model.name} ${mode}: summary ${said}, policy ${!said}`);
    }
  }
  // Nothing in the summary that the registry does not know either, and only real booleans with at least one true.
  for (const [model, rights] of Object.entries(summary.acl)) {
    if (!reg.model(model)) differences.push(`${model}: not in the registry`);
    if (!MODES.every((mode) => typeof rights[mode] === 'boolean') || !MODES.some((mode) => rights[mode])) differences.push(`${model}: ${JSON.stringify(rights)}`);
  }
  expect(differences, `uid ${summary.userId}`).toEqual([]);
}

describe('demo users of hp_legacy', () => {
  it('member001: its own group direct, base.group_user implied, full names, member codes, own personal data only', async () => {
    const p = await permissionsOf(same, MEMBER001);
    expect(p).toMatchObject({ userId: MEMBER001, login: 'member001@hp.example', active: true, userType: 'member', superuser: false });
    expect(typeof p.level).toBe('number');
    expect(groupOf(p, 'hp_account.group_hp_member')).toEqual({
      id: 12, xmlid: 'hp_account.group_hp_member', name: 'Member', fullName: 'Health Platform / Member', implied: false,
    });
    // Odoo 18 stores base.group_user as a membership row too; it is still only implied (by Member).
    expect(groupOf(p, 'base.group_user')).toEqual({ id: 1, xmlid: 'base.group_user', name: 'Internal User', fullName: 'User types / Internal User', implied: true });
    expect(p.groups.filter((g) => !g.implied).map((g) => g.xmlid)).toEqual(['hp_account.group_hp_member']);
    expect(xmlidsOf(p)).not.toContain('hp_account.group_hp_coach');
    expect(p.groups.map((g) => g.id)).toEqual([...p.groups.map((g) => g.id)].sort((a, b) => a - b));
    expect(p.permissionCodes).toEqual(['health.record.read', 'health.record.write']);
    expect(p.acl['hp.health.record']).toEqual({ read: true, write: true, create: true, unlink: true });
    expect(p.acl['hp.risk.rule']).toBeUndefined();
    expect(p.acl['hp.operation']).toBeUndefined();
    // Only models with at least one right are listed.
    for (const [model, rights] of Object.entries(p.acl)) expect(Object.values(rights).some(Boolean), model).toBe(true);
  });

  it('coach001: coach direct, member and internal user implied, codes of both groups distinct and sorted', async () => {
    const p = await permissionsOf(same, COACH001);
    expect(p).toMatchObject({ login: 'coach001@hp.example', userType: 'coach' });
    expect(groupOf(p, 'hp_account.group_hp_coach')).toMatchObject({ implied: false, fullName: 'Health Platform / Coach' });
    expect(groupOf(p, 'hp_account.group_hp_member')).toMatchObject({ implied: true });
    expect(groupOf(p, 'base.group_user')).toMatchObject({ implied: true });
    // health.record.read is granted to both Member and Coach: listed once.
    expect(p.permissionCodes).toEqual([
      'assessment.manage', 'content.publish', 'health.record.read', 'health.record.write', 'live.host', 'order.grab', 'service.publish',
    ]);
    expect(p.acl['hp.risk.rule']).toBeUndefined();
    expect(p.acl['hp.health.record']?.read).toBe(true);
  });

  it('operator001 (operator + admin): hp admin direct, operator implied through it, admin-only codes, every right on hp.risk.rule', async () => {
    const p = await permissionsOf(same, OPERATOR001);
    expect(p).toMatchObject({ login: 'operator001@hp.example', userType: 'operator', superuser: false });
    expect(groupOf(p, 'hp_account.group_hp_admin')).toMatchObject({ implied: false, fullName: 'Health Platform / Administrator' });
    expect(groupOf(p, 'hp_account.group_hp_operator')).toMatchObject({ implied: true });
    expect(p.permissionCodes).toEqual(expect.arrayContaining(['order.manage', 'payment.refund', 'user.manage', 'health.record.read']));
    expect(p.permissionCodes).not.toContain('order.grab');
    expect(p.acl['hp.risk.rule']).toEqual({ read: true, write: true, create: true, unlink: true });
  });

  it('operator002 (operator only): reads hp.risk.rule without deleting it', async () => {
    const p = await permissionsOf(same, OPERATOR002);
    expect(xmlidsOf(p)).not.toContain('hp_account.group_hp_admin');
    expect(p.acl['hp.risk.rule']?.read).toBe(true);
    expect(p.acl['hp.risk.rule']?.unlink).toBe(false);
  });

  it('admin: Settings and hp admin, is not the superuser, and its acl comes from its groups', async () => {
    const p = await permissionsOf(same, ADMIN);
    expect(p).toMatchObject({ login: 'admin', active: true, userType: 'member', superuser: false });
    expect(xmlidsOf(p)).toEqual(expect.arrayContaining(['base.group_system', 'base.group_erp_manager', 'hp_account.group_hp_admin', 'hp_account.group_hp_member']));
    expect(groupOf(p, 'base.group_system')).toMatchObject({ implied: false, fullName: 'Administration / Settings' });
    expect(groupOf(p, 'base.group_erp_manager')).toMatchObject({ implied: true });
    expect(p.permissionCodes).toContain('user.manage');
    // A model with no ACL row at all: the admin has no right there either (only env.su would).
    const unguarded = [...registry.models.keys()].find((m) => !(m in p.acl));
    expect(unguarded).toBeDefined();
  });

  it('__system__ (uid 1) is env.su: every model of ir_model with every right, while its groups and codes stay its real ones', async () => {
    const p = await permissionsOf(same, SYSTEM);
    expect(p).toMatchObject({ login: '__system__', active: false, superuser: true });
    expect(Object.keys(p.acl).sort()).toEqual([...registry.models.keys()].sort());
    for (const rights of Object.values(p.acl)) expect(rights).toEqual({ read: true, write: true, create: true, unlink: true });
    const { rows } = await legacy.pool.query<{ gid: number }>('SELECT gid FROM res_groups_users_rel WHERE uid = 1');
    expect(p.groups.map((g) => g.id).sort((a, b) => a - b)).toEqual(rows.map((r) => r.gid).sort((a, b) => a - b));
  });

  it('an unknown user, and ids no user can have, are undefined', async () => {
    for (const uid of [987654, 0, -1, 1.5, 2 ** 31, Number.NaN]) {
      expect(await userPermissions(same, uid), String(uid)).toBeUndefined();
      expect(await userGrants(same, uid), String(uid)).toBeUndefined();
    }
  });

  it('who may read whose permissions: self always, operators and admins anyone, members and coaches nobody else', async () => {
    const viewer = async (uid: number) => ({ userId: uid, groupXmlids: xmlidsOf((await userGrants(same, uid))!) });
    const member = await viewer(MEMBER001);
    expect(mayReadPermissionsOf(member, MEMBER001)).toBe(true);
    expect(mayReadPermissionsOf(member, MEMBER002)).toBe(false);
    expect(mayReadPermissionsOf(await viewer(COACH001), MEMBER001)).toBe(false);
    expect(mayReadPermissionsOf(await viewer(MERCHANT001), MEMBER001)).toBe(false);
    for (const staff of [OPERATOR001, OPERATOR002, ADMIN]) {
      const v = await viewer(staff);
      for (const target of [MEMBER001, COACH001, ADMIN, 987654]) expect(mayReadPermissionsOf(v, target), `${staff} → ${target}`).toBe(true);
    }
    // Settings alone (no platform group) is enough, as the brief's admins include base.group_system.
    expect(mayReadPermissionsOf({ userId: 99, groupXmlids: ['base.group_system'] }, MEMBER001)).toBe(true);
    expect(mayReadPermissionsOf({ userId: 99, groupXmlids: ['hp_account.group_hp_member', 'base.group_user'] }, MEMBER001)).toBe(false);
  });

  it('userGrants is userPermissions without the acl', async () => {
    for (const uid of [SYSTEM, ADMIN, MEMBER001, COACH001, OPERATOR001]) {
      const { acl, ...rest } = await permissionsOf(same, uid);
      expect(Object.keys(acl).length).toBeGreaterThan(0);
      expect(await userGrants(same, uid)).toEqual(rest);
    }
  });
});

describe('every user of hp_legacy', () => {
  let uids: number[];
  beforeAll(async () => {
    uids = (await legacy.pool.query<{ id: number }>('SELECT id FROM res_users ORDER BY id')).rows.map((r) => r.id);
    expect(uids.length).toBeGreaterThan(300);
  });

  it('acl equals what the ORM engine\'s access policy enforces, for every model and mode', async () => {
    const policy = createAccessPolicy({ name: legacy.name, pool: legacy.pool });
    for (const uid of uids) {
      const access = (await policy.forUser(uid, {})) as FicusUserAccess;
      const summary = await permissionsOf(same, uid);
      expectSameAsPolicy(registry, summary, access);
      // And the groups are the policy's effective groups.
      expect(new Set(summary.groups.map((g) => g.id)), `uid ${uid}`).toEqual(new Set(access.user!.groupIds));
    }
  });

  it('acl equals Odoo\'s own _get_allowed_models query (groups_id rows), and the closure adds nothing Odoo 18 did not store', async () => {
    for (const uid of uids) {
      const summary = await permissionsOf(same, uid);
      const stored = (await legacy.pool.query<{ gid: number }>('SELECT gid FROM res_groups_users_rel WHERE uid = $1', [uid])).rows.map((r) => r.gid);
      expect(new Set(summary.groups.map((g) => g.id)), `uid ${uid}`).toEqual(new Set(stored));
      if (uid === SYSTEM) continue; // env.su: check() returns before the query
      for (const mode of MODES) {
        // ir_model.py _get_allowed_models, verbatim but for the parameter syntax.
        const { rows } = await legacy.pool.query<{ model: string }>(
          `SELECT m.model FROM ir_model_access a JOIN ir_model m ON (m.id = a.model_id)
            WHERE a.perm_${mode} AND a.active AND (a.group_id IS NULL OR a.group_id = ANY($1::int[]))
            GROUP BY m.model`,
          [stored],
        );
        const said = Object.entries(summary.acl).filter(([, rights]) => rights[mode]).map(([model]) => model);
        expect(said.sort(), `uid ${uid} ${mode}`).toEqual(rows.map((r) => r.model).sort());
      }
    }
  });

  it('permission codes equal the permissions linked to the user\'s groups, computed here row by row', async () => {
    const links = (await legacy.pool.query<{ code: string; group_id: number }>(
      'SELECT p.code, r.group_id FROM permissions p JOIN permission_group_rel r ON r.permission_id = p.id',
    )).rows;
    for (const uid of uids) {
      const summary = await permissionsOf(same, uid);
      const groups = new Set(summary.groups.map((g) => g.id));
      const expected = [...new Set(links.filter((l) => groups.has(l.group_id)).map((l) => l.code))].sort();
      expect(summary.permissionCodes, `uid ${uid}`).toEqual(expected);
    }
  });
});

describe('permissions in their own database (svc_auth after cutover)', () => {
  let svc: TestDatabase;
  beforeAll(async () => {
    svc = await emptyDatabase('svc_auth');
    await svc.pool.query(`CREATE TABLE permissions (id serial PRIMARY KEY, name varchar NOT NULL, code varchar NOT NULL UNIQUE, description text);
                          CREATE TABLE permission_group_rel (permission_id int NOT NULL REFERENCES permissions ON DELETE CASCADE, group_id int NOT NULL,
                                                             PRIMARY KEY (permission_id, group_id))`);
    const perms = (await legacy.pool.query('SELECT id, name, code, description FROM permissions')).rows;
    for (const p of perms) await svc.pool.query('INSERT INTO permissions (id, name, code, description) VALUES ($1, $2, $3, $4)', [p.id, p.name, p.code, p.description]);
    const rel = (await legacy.pool.query('SELECT permission_id, group_id FROM permission_group_rel')).rows;
    for (const r of rel) await svc.pool.query('INSERT INTO permission_group_rel VALUES ($1, $2)', [r.permission_id, r.group_id]);
  });
  afterAll(async () => {
    await svc?.drop();
  });

  it('gives the same answer as the legacy tables, in one statement per source (one in all while they share a database)', async () => {
    for (const uid of [SYSTEM, ADMIN, MEMBER001, COACH001, MERCHANT001, OPERATOR001]) {
      const legacyCount = counting(legacy.pool);
      const svcCount = counting(svc.pool);
      const split = await permissionsOf({ legacy: legacyCount, permissions: svcCount }, uid);
      expect([legacyCount.count, svcCount.count]).toEqual([1, 1]);
      const shared = counting(legacy.pool);
      expect(split).toEqual(await permissionsOf({ legacy: shared, permissions: shared }, uid));
      expect(shared.count).toBe(1);
    }
    const unknown = counting(svc.pool);
    expect(await userPermissions({ legacy: legacy.pool, permissions: unknown }, 987654)).toBeUndefined();
    expect(unknown.count).toBe(0);
  });

  it('reads the codes from the permissions source, not from the legacy tables', async () => {
    await svc.pool.query(`UPDATE permissions SET code = 'health.record.inspect' WHERE code = 'health.record.read'`);
    try {
      const split = await permissionsOf({ legacy: legacy.pool, permissions: svc.pool }, MEMBER001);
      expect(split.permissionCodes).toEqual(['health.record.inspect', 'health.record.write']);
    } finally {
      await svc.pool.query(`UPDATE permissions SET code = 'health.record.read' WHERE code = 'health.record.inspect'`);
    }
  });
});

describe('a hand-edited database', () => {
  let edited: TestDatabase;
  let editedRegistry: Registry;
  let sources: PermissionSources;
  let groupIds: number[];
  let models: string[];
  let maxAccessId: number;
  const USERS = [ADMIN, MEMBER001, MEMBER002, COACH001, MERCHANT001, OPERATOR001, OPERATOR002];

  beforeAll(async () => {
    edited = await legacyDatabase();
    editedRegistry = await loadRegistry({ name: edited.name, pool: edited.pool });
    sources = { legacy: edited.pool, permissions: edited.pool };
    groupIds = (await edited.pool.query<{ id: number }>('SELECT id FROM res_groups ORDER BY id')).rows.map((r) => r.id);
    models = [...editedRegistry.models.keys()].sort();
    maxAccessId = (await edited.pool.query<{ max: number }>('SELECT max(id) AS max FROM ir_model_access')).rows[0]!.max;
    await edited.pool.query(`CREATE TABLE saved_users_rel AS SELECT * FROM res_groups_users_rel;
                             CREATE TABLE saved_implied_rel AS SELECT * FROM res_groups_implied_rel`);
  });
  afterAll(async () => {
    await edited?.drop();
  });

  async function restore(): Promise<void> {
    await edited.pool.query(`BEGIN;
      DELETE FROM ir_model_access WHERE id > ${Number(maxAccessId)};
      DELETE FROM res_groups_users_rel; INSERT INTO res_groups_users_rel SELECT * FROM saved_users_rel;
      DELETE FROM res_groups_implied_rel; INSERT INTO res_groups_implied_rel SELECT * FROM saved_implied_rel;
      COMMIT`);
  }

  /** The groups written here from the rows, independently of the SQL: closure and which are implied by another. */
  async function expectedGroups(uid: number): Promise<Map<number, boolean>> {
    const direct = (await edited.pool.query<{ gid: number }>('SELECT gid FROM res_groups_users_rel WHERE uid = $1', [uid])).rows.map((r) => r.gid);
    const edges = (await edited.pool.query<{ gid: number; hid: number }>('SELECT gid, hid FROM res_groups_implied_rel')).rows;
    const implies = new Map<number, number[]>();
    for (const e of edges) implies.set(e.gid, [...(implies.get(e.gid) ?? []), e.hid]);
    const result = new Map<number, boolean>();
    for (const start of direct) {
      const seen = new Set<number>([start]);
      const todo = [start];
      while (todo.length) for (const next of implies.get(todo.pop()!) ?? []) if (!seen.has(next)) (seen.add(next), todo.push(next));
      // start itself counts as implied only when another membership reaches it.
      for (const g of seen) result.set(g, (result.get(g) ?? false) || g !== start);
    }
    return result;
  }

  it('a member whose materialised implied rows were deleted still has base.group_user (implied) and the same acl', async () => {
    const before = await permissionsOf(sources, MEMBER001);
    await edited.pool.query('DELETE FROM res_groups_users_rel WHERE uid = $1 AND gid <> 12', [MEMBER001]);
    try {
      const after = await permissionsOf(sources, MEMBER001);
      expect(after).toEqual(before);
      expect(groupOf(after, 'base.group_user')).toMatchObject({ implied: true });
    } finally {
      await restore();
    }
  });

  it('inactive ACL rows grant nothing, NULL rights are false, a global row (no group) grants everyone', async () => {
    const model = (name: string) => edited.pool.query<{ id: number }>('SELECT id FROM ir_model WHERE model = $1', [name]).then((r) => r.rows[0]!.id);
    const [risk, operation] = await Promise.all([model('hp.risk.rule'), model('hp.operation')]);
    await edited.pool.query(
      `INSERT INTO ir_model_access (name, model_id, group_id, active, perm_read, perm_write, perm_create, perm_unlink) VALUES
         ('inactive member write', $1, 12, false, true, true, true, true),
         ('null rights', $1, 12, true, NULL, NULL, NULL, NULL),
         ('everyone reads', $1, NULL, true, true, false, NULL, false),
         ('member writes, other rights unset', $2, 12, true, NULL, true, NULL, NULL),
         ('no active flag', $2, 12, NULL, true, true, true, true)`,
      [risk, operation],
    );
    try {
      const member = await permissionsOf(sources, MEMBER001);
      expect(member.acl['hp.risk.rule']).toEqual({ read: true, write: false, create: false, unlink: false });
      expect(member.acl['hp.operation']).toEqual({ read: false, write: true, create: false, unlink: false });
      const policy = createAccessPolicy({ name: edited.name, pool: edited.pool }, { ttlMs: 0 });
      expectSameAsPolicy(editedRegistry, member, (await policy.forUser(MEMBER001, {})) as FicusUserAccess);
    } finally {
      await restore();
    }
  });

  it('property: random ACL rows, memberships and implications — acl as the engine\'s policy, groups and codes as computed from the rows', async () => {
    const tri = fc.constantFrom(true, false, null);
    const interesting = ['hp.health.record', 'hp.risk.rule', 'hp.operation', 'hp.permission', 'res.partner', 'ir.model', 'hp.service.order'];
    const arbitrary = fc.record({
      uid: fc.constantFrom(...USERS),
      acls: fc.array(
        fc.record({
          model: fc.oneof(fc.constantFrom(...interesting), fc.constantFrom(...models)),
          group: fc.option(fc.constantFrom(...groupIds), { nil: null }),
          active: tri,
          rights: fc.tuple(tri, tri, tri, tri),
        }),
        { maxLength: 5 },
      ),
      dropMemberships: fc.subarray(groupIds, { maxLength: 4 }),
      addMemberships: fc.subarray(groupIds, { maxLength: 3 }),
      addImplications: fc.array(fc.tuple(fc.constantFrom(...groupIds), fc.constantFrom(...groupIds)), { maxLength: 4 }),
      dropImplications: fc.array(fc.nat({ max: 20 }), { maxLength: 3 }),
    });
    const links = (await edited.pool.query<{ code: string; group_id: number }>(
      'SELECT p.code, r.group_id FROM permissions p JOIN permission_group_rel r ON r.permission_id = p.id',
    )).rows;

    await fc.assert(
      fc.asyncProperty(arbitrary, async (c) => {
        try {
          for (const a of c.acls) {
            await edited.pool.query(
              `INSERT INTO ir_model_access (name, model_id, group_id, active, perm_read, perm_write, perm_create, perm_unlink)
               SELECT 'random', id, $2, $3, $4, $5, $6, $7 FROM ir_model WHERE model = $1`,
              [a.model, a.group, a.active, ...a.rights],
            );
          }
          await edited.pool.query('DELETE FROM res_groups_users_rel WHERE uid = $1 AND gid = ANY($2::int[])', [c.uid, c.dropMemberships]);
          for (const g of c.addMemberships) await edited.pool.query('INSERT INTO res_groups_users_rel VALUES ($1, $2) ON CONFLICT DO NOTHING', [g, c.uid]);
          for (const n of c.dropImplications) {
            await edited.pool.query('DELETE FROM res_groups_implied_rel WHERE (gid, hid) = (SELECT gid, hid FROM res_groups_implied_rel ORDER BY gid, hid OFFSET $1 LIMIT 1)', [n]);
          }
          for (const [g, h] of c.addImplications) await edited.pool.query('INSERT INTO res_groups_implied_rel VALUES ($1, $2) ON CONFLICT DO NOTHING', [g, h]);

          const summary = await permissionsOf(sources, c.uid);
          const policy = createAccessPolicy({ name: edited.name, pool: edited.pool }, { ttlMs: 0 });
          const access = (await policy.forUser(c.uid, {})) as FicusUserAccess;
          expectSameAsPolicy(editedRegistry, summary, access);

          const groups = await expectedGroups(c.uid);
          expect(new Map(summary.groups.map((g) => [g.id, g.implied]))).toEqual(groups);
          expect(new Set(access.user!.groupIds)).toEqual(new Set(groups.keys()));
          const codes = [...new Set(links.filter((l) => groups.has(l.group_id)).map((l) => l.code))].sort();
          expect(summary.permissionCodes).toEqual(codes);
        } finally {
          await restore();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an implication cycle ends, and a group reached only from itself stays direct', async () => {
    // Member (12) ⇄ a fresh group: member001 holds only 12.
    const fresh = (await edited.pool.query<{ id: number }>(`INSERT INTO res_groups (name) VALUES ('{"en_US": "Cycle"}') RETURNING id`)).rows[0]!.id;
    try {
      await edited.pool.query('DELETE FROM res_groups_users_rel WHERE uid = $1 AND gid <> 12', [MEMBER001]);
      await edited.pool.query('INSERT INTO res_groups_implied_rel VALUES (12, $1), ($1, 12)', [fresh]);
      const p = await permissionsOf(sources, MEMBER001);
      expect(p.groups.find((g) => g.id === 12)).toMatchObject({ implied: false });
      expect(p.groups.find((g) => g.id === fresh)).toEqual({ id: fresh, xmlid: null, name: 'Cycle', fullName: 'Cycle', implied: true });
      expect(groupOf(p, 'base.group_user')).toMatchObject({ implied: true });
    } finally {
      await restore();
      await edited.pool.query('DELETE FROM res_groups WHERE id = $1', [fresh]);
    }
  });
});

describe('time', () => {
  it('one summary for admin and for a member takes milliseconds on hp_legacy (median printed)', async () => {
    const measure = async (uid: number, what: (s: PermissionSources, uid: number) => Promise<unknown>) => {
      for (let i = 0; i < 10; i++) await what(same, uid);
      const times: number[] = [];
      for (let i = 0; i < 100; i++) {
        const start = performance.now();
        await what(same, uid);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      return { median: times[50]!, p95: times[95]! };
    };
    const figures = {
      adminPermissions: await measure(ADMIN, userPermissions),
      memberPermissions: await measure(MEMBER001, userPermissions),
      adminGrants: await measure(ADMIN, userGrants),
      memberGrants: await measure(MEMBER001, userGrants),
    };
    console.log(`user-permissions timing (ms): ${JSON.stringify(figures, (_k, v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}`);
    // Generous bound for a shared two-core machine: a summary is one statement, not a scan per model.
    for (const [name, f] of Object.entries(figures)) expect(f.median, name).toBeLessThan(50);
  });
});
