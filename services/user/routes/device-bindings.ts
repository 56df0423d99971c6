import { sql } from 'kysely';
import { defineRoute, type RouteContext } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { DeviceType, UserDatabase } from '../db/tables.ts';
import { inUserHome, userHome, userReader } from '../db/user-home.ts';
import { bindDevice, bindingColumns, setBindingActive, toDeviceBinding, type BindingRow } from '../domain/device-bindings.ts';
import { decideHealthRead, refusalProblem } from '../domain/health-read-access.ts';
import { healthReadAudit } from '../domain/health-read-audit.ts';
import { asDeviceProblems, assertRulesAllowValues, assertUserExists, bindingFor } from './device-access.ts';

/**
 * A member's device bindings (hp.device.binding) over REST: bind, list, read, unbind and bind
 * again. Rows are read and written where M02 lives now (db/user-home.ts). Reads of bindings are
 * reads of health data: each is audited (who, whose, when, REST), granted or refused, and so is
 * the answer of a bind or unbind, which shows the binding (committed with the request).
 */

const bindingPath = (userId: number, bindingId: number) => `/users/${userId}/device-bindings/${bindingId}`;

/** Audits a REST read of a member's bindings (`ctx.db`: the pool for a GET, the request's transaction for a write). */
function auditRead(ctx: Pick<RouteContext<UserDatabase>, 'db' | 'requestId'>, actorUid: number, subject: number, queryKind: string, outcome: 'granted' | 'refused', rowCount?: number) {
  return healthReadAudit(ctx.db).record({
    actorUid, model: 'hp.device.binding', queryKind, protocol: 'rest', outcome, subjectUids: [subject], requestId: ctx.requestId,
    ...(rowCount === undefined ? {} : { rowCount }),
  });
}

/**
 * POST /users/{id}/device-bindings: binds a device to the member, active, bound now. One active
 * binding per device (device type + vendor + serial, domain/device-identity.ts): while another is
 * active, 409 device-already-bound, naming the binding only to its own member. Who may bind for
 * whom is hp.device.binding's create ACL and rules (members and coaches for themselves, operators
 * and admins for anyone), checked before the device is looked at.
 */
export const createDeviceBinding = defineRoute<UserDatabase, { deviceType: DeviceType; vendor?: string; serial: string }, unknown, { id: number }>({
  method: 'post',
  path: '/users/:id/device-bindings',
  summary: 'Bind a device to the member (one active binding per device); Idempotency-Key honoured',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/user/device-user-params.json',
  body: 'rest/user/device-binding-create.json',
  responses: { 201: 'rest/user/device-binding.json' },
  async handler(ctx) {
    const { body, params, access, principal } = ctx;
    await access!.check('hp.device.binding', 'create');
    const home = await userHome(ctx.db, ctx.legacyPool, { hold: true });
    return inUserHome(ctx.db, ctx.legacyPool, home, async (rows) => {
      await assertUserExists(rows, params.id);
      const vendor = body.vendor?.trim() || null;
      const serial = body.serial.trim();
      await assertRulesAllowValues(access!, rows, 'hp.device.binding', 'device_bindings', 'create',
        { user_id: params.id, device_type: body.deviceType, vendor, serial, active: true }, `a device binding of user ${params.id}`);
      const binding = await asDeviceProblems(bindDevice(onKysely(rows), principal!.userId, params.id, { deviceType: body.deviceType, vendor, serial }));
      await auditRead(ctx, principal!.userId, params.id, 'write_answer', 'granted', 1);
      return { status: 201, body: binding, headers: { location: bindingPath(params.id, binding.id) } };
    });
  },
});

/** GET /users/{id}/device-bindings: the member's bindings (active ones unless asked otherwise), newest binding first as hp.device.binding orders them. */
export const listDeviceBindings = defineRoute<UserDatabase, unknown, { active: 'true' | 'false' | 'all'; limit: number; offset: number }, { id: number }>({
  method: 'get',
  path: '/users/:id/device-bindings',
  summary: "List the member's device bindings (active by default), newest first",
  auth: 'bearer',
  params: 'rest/user/device-user-params.json',
  query: 'rest/user/device-binding-query.json',
  responses: { 200: 'rest/user/device-binding-list.json' },
  async handler(ctx) {
    const { params, query, access } = ctx;
    const rows = userReader(ctx.db, ctx.legacyPool, await userHome(ctx.db, ctx.legacyPool, { hold: false }));
    const decision = await decideHealthRead(access!, rows, params.id, 'hp.device.binding');
    if (!decision.allowed) {
      await auditRead(ctx, access!.uid, params.id, 'list', 'refused');
      throw refusalProblem(decision);
    }
    const conditions = [await decision.where('b')];
    if (query.active === 'true') conditions.push(sql<boolean>`b.active`);
    if (query.active === 'false') conditions.push(sql<boolean>`b.active IS NOT TRUE`);
    const where = sql.join(conditions, sql` AND `);
    const [page, count] = await Promise.all([
      sql<BindingRow>`SELECT ${sql.raw(bindingColumns('b'))} FROM device_bindings b WHERE ${where}
        ORDER BY b.bound_at DESC, b.id DESC LIMIT ${query.limit} OFFSET ${query.offset}`.execute(rows),
      sql<{ n: number }>`SELECT count(*)::int AS n FROM device_bindings b WHERE ${where}`.execute(rows),
    ]);
    await auditRead(ctx, access!.uid, params.id, 'list', 'granted', page.rows.length);
    return { status: 200, body: { items: page.rows.map(toDeviceBinding), total: count.rows[0]!.n } };
  },
});

/** GET /users/{id}/device-bindings/{bindingId}: one binding of the member; 404 outside the caller's read rules, as for an id that does not exist. */
export const getDeviceBinding = defineRoute<UserDatabase, unknown, unknown, { id: number; bindingId: number }>({
  method: 'get',
  path: '/users/:id/device-bindings/:bindingId',
  summary: 'Read one device binding of the member',
  auth: 'bearer',
  params: 'rest/user/device-binding-params.json',
  responses: { 200: 'rest/user/device-binding.json' },
  async handler(ctx) {
    const { params, access } = ctx;
    const rows = userReader(ctx.db, ctx.legacyPool, await userHome(ctx.db, ctx.legacyPool, { hold: false }));
    try {
      const binding = await bindingFor(access!, rows, params.id, params.bindingId, 'read');
      await auditRead(ctx, access!.uid, params.id, 'by_id', 'granted', 1);
      return { status: 200, body: binding };
    } catch (error) {
      await auditRead(ctx, access!.uid, params.id, 'by_id', 'refused');
      throw error;
    }
  },
});

/**
 * PATCH /users/{id}/device-bindings/{bindingId} `{ "active": false }` unbinds the device (the
 * binding stays, with its readings; Odoo's archive), `{ "active": true }` binds it again, with
 * the same one-active-binding guard as POST (409). Needs hp.device.binding's write ACL and rules.
 */
export const updateDeviceBinding = defineRoute<UserDatabase, { active: boolean }, unknown, { id: number; bindingId: number }>({
  method: 'patch',
  path: '/users/:id/device-bindings/:bindingId',
  summary: 'Unbind a device (active false) or bind it again (active true)',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/user/device-binding-params.json',
  body: 'rest/user/device-binding-update.json',
  responses: { 200: 'rest/user/device-binding.json' },
  async handler(ctx) {
    const { body, params, access, principal } = ctx;
    await access!.check('hp.device.binding', 'write');
    const home = await userHome(ctx.db, ctx.legacyPool, { hold: true });
    return inUserHome(ctx.db, ctx.legacyPool, home, async (rows) => {
      const binding = await bindingFor(access!, rows, params.id, params.bindingId, 'write');
      const updated = await asDeviceProblems(setBindingActive(onKysely(rows), principal!.userId, binding, body.active));
      await auditRead(ctx, principal!.userId, params.id, 'write_answer', 'granted', 1);
      return { status: 200, body: updated };
    });
  },
});
