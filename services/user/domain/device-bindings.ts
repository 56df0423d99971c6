import type { SqlRunner } from '../db/sql-runner.ts';
import type { DeviceType } from '../db/tables.ts';
import { deviceIdentityKey, identityColumns, type DeviceIdentity } from './device-identity.ts';
import { UserRefused } from './user-refusal.ts';

/**
 * Binding a device to a member and unbinding it (hp.device.binding, hp_personal/models/
 * hp_device_binding.py), for REST. The addon has no rule here at all: any number of bindings of
 * one device may be active. The REST API keeps one active binding per device (device-identity.ts),
 * race-free on either database: binding takes a transaction-scoped advisory lock keyed by the
 * device identity, then looks for an active binding of it. In READ COMMITTED (every REST
 * transaction) that look, made after the lock is granted, sees the binding the previous holder
 * committed. The lock is PostgreSQL's, not an index of ours, so it holds on the monolith's tables
 * in phase legacy too. Odoo RPC keeps the addon's behaviour (no check), MIGRATION.md says why.
 */

/** The class of the advisory locks on device identities (the second key is the identity's hash). */
export const DEVICE_IDENTITY_LOCK = 'ficus.user.device-identity';

/** A binding as the REST API shows it: Odoo's datetimes as RFC 3339 UTC, `active` NULL read as false (Odoo's). */
export interface DeviceBinding {
  id: number;
  userId: number;
  deviceType: DeviceType;
  vendor: string | null;
  serial: string | null;
  active: boolean;
  boundAt: string | null;
  lastSyncAt: string | null;
}

/** A binding as bindingColumns() selects it. */
export interface BindingRow {
  id: number;
  user_id: number;
  device_type: DeviceType;
  vendor: string | null;
  serial: string | null;
  active: boolean;
  bound_at: string | null;
  last_sync_at: string | null;
}

const rfc3339 = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** The columns of a binding under `alias` (empty: unqualified, for RETURNING), in BindingRow's names. */
export function bindingColumns(alias = ''): string {
  const c = (name: string) => (alias ? `${alias}.${name}` : name);
  return `${c('id')} AS id, ${c('user_id')} AS user_id, ${c('device_type')} AS device_type, ${c('vendor')} AS vendor, ${c('serial')} AS serial, `
    + `coalesce(${c('active')}, false) AS active, ${rfc3339(c('bound_at'))} AS bound_at, ${rfc3339(c('last_sync_at'))} AS last_sync_at`;
}

export function toDeviceBinding(row: BindingRow): DeviceBinding {
  return {
    id: row.id, userId: row.user_id, deviceType: row.device_type, vendor: row.vendor, serial: row.serial,
    active: row.active, boundAt: row.bound_at, lastSyncAt: row.last_sync_at,
  };
}

/** A second active binding of a device: 409, saying whose binding holds it only when it is the caller's own. */
export class DeviceAlreadyBound extends UserRefused {
  constructor(readonly holder: { id: number; userId: number }, forUser: number) {
    super(
      'state',
      holder.userId === forUser
        ? `This device is already bound to user ${forUser} (device binding ${holder.id}); unbind that binding before binding the device again.`
        : 'This device is already bound to another account; it must be unbound there before it can be bound again.',
    );
    this.name = 'DeviceAlreadyBound';
  }
}

/** `SELECT pg_advisory_xact_lock` on the identity: held until the caller's transaction ends. */
async function lockIdentity(sql: SqlRunner, identity: DeviceIdentity): Promise<void> {
  await sql.raw('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [DEVICE_IDENTITY_LOCK, deviceIdentityKey(identity)]);
}

/** The active binding of the device other than `except`, if any (call with the identity locked). */
async function activeBindingOf(sql: SqlRunner, identity: DeviceIdentity, except: number | null): Promise<{ id: number; user_id: number } | undefined> {
  const columns = identityColumns('b');
  const [found] = await sql.raw<{ id: number; user_id: number }>(
    `SELECT b.id, b.user_id FROM device_bindings b
      WHERE b.active AND ${columns.deviceType} = $1 AND ${columns.vendor} = lower(btrim($2)) AND ${columns.serial} = btrim($3) AND b.id <> $4
      ORDER BY b.id LIMIT 1`,
    [identity.deviceType, identity.vendor ?? '', identity.serial, except ?? 0],
  );
  return found;
}

/**
 * Binds the device to `userId` (create of hp.device.binding: active, bound now), as `actor`;
 * refuses with DeviceAlreadyBound while another binding of the device is active. Access is the
 * caller's to check (the route checks the ACL and the create rules first).
 */
export async function bindDevice(sql: SqlRunner, actor: number, userId: number, identity: DeviceIdentity): Promise<DeviceBinding> {
  await lockIdentity(sql, identity);
  const holder = await activeBindingOf(sql, identity, null);
  if (holder) throw new DeviceAlreadyBound({ id: holder.id, userId: holder.user_id }, userId);
  // bound_at as fields.Datetime.now (whole seconds); create/write dates as the ORM writes them.
  const [row] = await sql.raw<BindingRow>(
    `INSERT INTO device_bindings (user_id, device_type, vendor, serial, active, bound_at, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, $4, true, date_trunc('second', now() at time zone 'UTC'), $5, $5, now() at time zone 'UTC', now() at time zone 'UTC')
     RETURNING ${bindingColumns()}`,
    [userId, identity.deviceType, identity.vendor?.trim() || null, identity.serial.trim(), actor],
  );
  return toDeviceBinding(row!);
}

/** A binding by id as this connection sees it (no access check: the caller's). */
export async function readDeviceBinding(sql: SqlRunner, id: number): Promise<DeviceBinding | undefined> {
  const [row] = await sql.raw<BindingRow>(`SELECT ${bindingColumns('b')} FROM device_bindings b WHERE b.id = $1`, [id]);
  return row && toDeviceBinding(row);
}

/**
 * Unbinds (active false) or binds again (active true) an existing binding, as `actor`. Binding
 * again is binding the device: the same lock and the same refusal while another binding of it is
 * active. A binding without serial (one made over RPC) has no identity and is not guarded.
 * Setting the value it already has writes nothing.
 */
export async function setBindingActive(sql: SqlRunner, actor: number, binding: DeviceBinding, active: boolean): Promise<DeviceBinding> {
  if (active && binding.serial !== null && binding.serial.trim() !== '') {
    const identity: DeviceIdentity = { deviceType: binding.deviceType, vendor: binding.vendor, serial: binding.serial };
    await lockIdentity(sql, identity);
    const holder = await activeBindingOf(sql, identity, binding.id);
    if (holder) throw new DeviceAlreadyBound({ id: holder.id, userId: holder.user_id }, binding.userId);
  }
  const [row] = await sql.raw<BindingRow>(
    `UPDATE device_bindings SET active = $2, write_uid = $3, write_date = now() at time zone 'UTC'
      WHERE id = $1 AND coalesce(active, false) <> $2
      RETURNING ${bindingColumns()}`,
    [binding.id, active, actor],
  );
  if (row) return toDeviceBinding(row);
  const current = await readDeviceBinding(sql, binding.id);
  if (!current) throw new UserRefused('state', `Device binding ${binding.id} no longer exists.`);
  return current;
}
