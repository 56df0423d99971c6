import { accessDenied, missingError, OdooError } from '../errors.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { OdooCall, Transport } from '../call.ts';
import type { DatabaseDirectory, ServedDatabaseRuntime } from '../served-databases.ts';
import type { RpcRequestInfo } from './common-service.ts';
import { bindArguments } from '../orm/dispatch/signature.ts';
import { unknownDatabase } from './unknown-database.ts';
import { indexOutOfRange, pythonStarArgs, pythonStarStarKwargs, pythonStr, pythonTruthy, pythonTypeName } from '../wire/python-values.ts';

/** `db, uid, passwd = params[0], int(params[1]), params[2]` of odoo/service/model.py `dispatch`. */
export interface ObjectCredentials {
  database: ServedDatabaseRuntime;
  uid: number;
  password: unknown;
}

export function readObjectCredentials(databases: DatabaseDirectory, params: unknown[], transport?: Transport): ObjectCredentials {
  // XML-RPC's decoder hands dispatch a tuple of params, JSON-RPC a list.
  if (params.length < 3) throw indexOutOfRange(transport === 'xmlrpc' || transport === 'xmlrpc-legacy' ? 'tuple' : 'list');
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
    // res_users.check: `if not passwd: raise AccessDenied()` first; then `env.user.active` of
    // uid 0 (False) is an empty recordset's False (AccessDenied), of a missing uid a MissingError.
    if (!pythonTruthy(credentials.password) || uid === 0) throw accessDenied();
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
      model: pythonStr(bound.obj),
      method: pythonStr(bound.method),
      // `execute(db, uid, obj, method, *args, **kw or {})` (odoo/service/model.py execute_kw).
      args: pythonStarArgs(bound.args),
      kwargs: pythonTruthy(bound.kw) ? pythonStarStarKwargs(bound.kw, 'odoo.service.model.execute()') : {},
      ...via,
    };
  }
  if (serviceMethod === 'execute') {
    const rest = [database, uid, ...params.slice(3)];
    const bound = bindArguments(EXECUTE, rest.slice(0, 4));
    return { database, uid, model: pythonStr(bound.obj), method: pythonStr(bound.method), args: rest.slice(4), kwargs: {}, ...via };
  }
  throw new OdooError('builtins.NameError', `Method not available ${serviceMethod}`);
}

/** Python's `int(uid)`: accepts "2" and 2.0; another string is ValueError, a value of another type TypeError. */
function pythonInt(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') {
    throw new OdooError('builtins.TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${pythonTypeName(value)}'`);
  }
  throw new OdooError('builtins.ValueError', `invalid literal for int() with base 10: '${String(value)}'`);
}

