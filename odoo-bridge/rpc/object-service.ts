import { accessDenied, missingError, OdooError } from '../errors.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { OdooCall, Transport } from '../call.ts';
import type { DatabaseDirectory, ServedDatabaseRuntime } from '../served-databases.ts';
import type { RpcRequestInfo } from './common-service.ts';
import { bindArguments } from '../orm/dispatch/signature.ts';
import { unknownDatabase } from './unknown-database.ts';

/** `db, uid, passwd = params[0], int(params[1]), params[2]` of odoo/service/model.py `dispatch`. */
export interface ObjectCredentials {
  database: ServedDatabaseRuntime;
  uid: number;
  password: unknown;
}

export function readObjectCredentials(databases: DatabaseDirectory, params: unknown[]): ObjectCredentials {
  if (params.length < 3) throw new OdooError('builtins.IndexError', 'list index out of range');
  const uid = pythonInt(params[1]);
  const database = databases.get(params[0]);
  if (!database) throw unknownDatabase(params[0]);
  return { database, uid, password: params[2] };
}

/**
 * `security.check(db, uid, password)`: before anything touches a model. A wrong secret is
 * AccessDenied (throttled per client address and uid); a uid that does not exist is the
 * MissingError Odoo raises while reading that user.
 *
 * Every call goes through the throttled attempt, accepted secrets too: a synchronous answer
 * cleared the client's failures before other gateway processes' failures had reached this one,
 * so a shared cooldown was lifted by the right password (gateway-processes test).
 */
export function checkObjectCredentials(credentials: ObjectCredentials, throttle: LoginThrottle, info: RpcRequestInfo): Promise<void> {
  const { database, uid } = credentials;
  const secret = typeof credentials.password === 'string' ? credentials.password : '';
  const keys = { clientAddress: info.clientAddress, login: uid };
  return throttle.attempt(keys, async () => {
    if (await database.credentials.checkUid(uid, secret)) return true;
    const { rows } = await database.pool.query('SELECT 1 FROM res_users WHERE id = $1', [uid]);
    if (rows.length === 0) {
      throw missingError(`Record does not exist or has been deleted.\n(Record: res.users(${uid},), User: ${uid})`);
    }
    throw accessDenied();
  }).then(() => undefined);
}

const EXECUTE_KW = {
  qualname: 'execute_kw',
  isFunction: true,
  params: [{ name: 'db' }, { name: 'uid' }, { name: 'obj' }, { name: 'method' }, { name: 'args' }, { name: 'kw', default: null }],
} as const;
const EXECUTE = { qualname: 'execute', isFunction: true, params: [{ name: 'db' }, { name: 'uid' }, { name: 'obj' }, { name: 'method' }] } as const;

/** `execute_kw(db, uid, obj, method, args, kw=None)` and `execute(db, uid, obj, method, *args)`. */
export function toOdooCall(credentials: ObjectCredentials, serviceMethod: string, params: unknown[], transport?: Transport): OdooCall {
  const database = credentials.database.name;
  const uid = credentials.uid;
  const via = transport ? { transport } : {};
  if (serviceMethod === 'execute_kw') {
    // execute_kw's params are all positional: with 3 or 4 after (db, uid, password) they bind in
    // order, as bindArguments would bind them; other counts get its TypeError texts.
    const bound =
      params.length === 6 || params.length === 7
        ? { obj: params[3], method: params[4], args: params[5], kw: params.length === 7 ? params[6] : null }
        : bindArguments(EXECUTE_KW, [database, uid, ...params.slice(3)]);
    return {
      database,
      uid,
      model: String(bound.obj),
      method: String(bound.method),
      args: Array.isArray(bound.args) ? bound.args : [bound.args],
      kwargs: isPlainObject(bound.kw) ? bound.kw : {},
      ...via,
    };
  }
  if (serviceMethod === 'execute') {
    const rest = [database, uid, ...params.slice(3)];
    const bound = bindArguments(EXECUTE, rest.slice(0, 4));
    return { database, uid, model: String(bound.obj), method: String(bound.method), args: rest.slice(4), kwargs: {}, ...via };
  }
  throw new OdooError('builtins.NameError', `Method not available ${serviceMethod}`);
}

/** Python's `int(uid)`: accepts "2" and 2.0; anything else is Python's ValueError. */
function pythonInt(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new OdooError('builtins.ValueError', `invalid literal for int() with base 10: '${String(value)}'`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
