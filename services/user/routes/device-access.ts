import { sql, type Kysely } from 'kysely';
import { problems, type AccessMode, type AccessPort } from '../../kit/index.ts';
import { bindingColumns, DeviceAlreadyBound, toDeviceBinding, type BindingRow, type DeviceBinding } from '../domain/device-bindings.ts';
import { UserRefused } from '../domain/user-refusal.ts';

/**
 * What the device routes check, in the engine's terms (the kit's AccessPort over svc_user's copy
 * of hp_personal's ACLs and record rules), evaluated on the rows' home (`rows`: svc_user after
 * cutover, the monolith before: the port's own id checks would read svc_user's copy, which lags
 * the monolith before cutover). For hp.device.binding that is: members and coaches their own
 * devices, operators and admins everyone's; hp.health.record create: members and coaches their
 * own, operators and admins anyone's.
 */

/**
 * Would the `mode` rules of `model` allow a row with these values? Evaluated on a row of the
 * table's type built from them (every other column NULL), before anything is written: a caller
 * outside the rules learns nothing from a later guard (such as "this device is already bound").
 */
export async function assertRulesAllowValues(access: AccessPort, rows: Kysely<any>, model: string, table: string, mode: AccessMode, values: Record<string, unknown>, what: string): Promise<void> {
  const rules = await access.rules(model, mode, 'r');
  const { rows: found } = await sql<{ ok: boolean }>`
    SELECT EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::${sql.table(table)}, ${JSON.stringify(values)}::jsonb) AS r WHERE ${rules}) AS ok`.execute(rows);
  if (!found[0]?.ok) throw problems.forbidden(`The record rules of ${model} do not allow user ${access.uid} to ${mode} ${what}.`);
}

/** 404 unless `userId` is a user (res_users is on both databases: the monolith's own, svc_user's reference copy). */
export async function assertUserExists(rows: Kysely<any>, userId: number): Promise<void> {
  const { rows: found } = await sql<{ ok: boolean }>`SELECT EXISTS (SELECT 1 FROM res_users WHERE id = ${userId}) AS ok`.execute(rows);
  if (!found[0]?.ok) throw problems.notFound(`user ${userId} does not exist`);
}

/**
 * The binding `bindingId` of user `userId`, checked for `mode` as the engine checks a record:
 * the ACL, then the read rules (outside them, or of another user: 404, as an id that does not
 * exist), then the mode's rules (403).
 */
export async function bindingFor(access: AccessPort, rows: Kysely<any>, userId: number, bindingId: number, mode: AccessMode): Promise<DeviceBinding> {
  await access.check('hp.device.binding', mode);
  const readable = await access.rules('hp.device.binding', 'read', 'b');
  const { rows: found } = await sql<BindingRow>`
    SELECT ${sql.raw(bindingColumns('b'))} FROM device_bindings b WHERE b.id = ${bindingId} AND b.user_id = ${userId} AND ${readable}`.execute(rows);
  if (!found[0]) throw problems.notFound(`device binding ${bindingId} of user ${userId} does not exist`);
  if (mode !== 'read') {
    const permitted = await access.rules('hp.device.binding', mode, 'b');
    const { rows: allowed } = await sql<{ id: number }>`SELECT b.id FROM device_bindings b WHERE b.id = ${bindingId} AND ${permitted}`.execute(rows);
    if (!allowed.length) throw problems.forbidden(`The record rules of hp.device.binding do not allow user ${access.uid} to ${mode} device binding ${bindingId}.`);
  }
  return toDeviceBinding(found[0]);
}

/** The problem type of a second active binding of one device. */
export const DEVICE_ALREADY_BOUND = 'https://ficus.dev/problems/device-already-bound';

/**
 * The device rules' refusals as problems: a device bound already 409 (its own type), another
 * wrong state (an unbound binding synced) 409, a reading the device cannot have taken 422, a
 * caller refusal 403.
 */
export async function asDeviceProblems<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DeviceAlreadyBound) throw problems.conflict(error.message, DEVICE_ALREADY_BOUND);
    if (!(error instanceof UserRefused)) throw error;
    if (error.kind === 'state') throw problems.conflict(error.message, 'https://ficus.dev/problems/wrong-state');
    if (error.kind === 'access') throw problems.forbidden(error.message);
    throw problems.unprocessable(error.message, 'https://ficus.dev/problems/refused-by-rule');
  }
}
