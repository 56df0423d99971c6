import { OdooError } from '../errors.ts';
import type { Transport } from '../call.ts';
import type { DatabaseDirectory, ServedDatabaseRuntime } from '../served-databases.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import { bindArguments } from '../orm/dispatch/signature.ts';
import { ABOUT_TEXT, SERVER_VERSION, VERSION_INFO } from './version.ts';
import { unknownDatabase } from './unknown-database.ts';
import { pythonStarStarMapping, pythonTruthy } from '../wire/python-values.ts';
import { recordSuccessfulLogin } from '../auth/login-log.ts';

export interface RpcRequestInfo {
  clientAddress: string;
  transport: Transport;
}

/**
 * Odoo's `common` service (odoo/service/common.py). `login` and `authenticate` answer `false`
 * for bad credentials, never a fault; API keys are accepted in place of the password.
 */
export function createCommonService(databases: DatabaseDirectory, throttle: LoginThrottle) {
  /** Odoo swallows every AccessDenied here, the cooldown's included: the answer is `false`. */
  async function authenticate(db: unknown, login: unknown, password: unknown, info: RpcRequestInfo, userAgentEnv: unknown = null): Promise<number | false> {
    const served = databases.get(db);
    if (!served) throw unknownDatabase(db);
    // `{**user_agent_env, 'interactive': False}` after `if not user_agent_env: user_agent_env = {}`:
    // a truthy value that is not a mapping is Python's TypeError, before any credential is read.
    if (pythonTruthy(userAgentEnv)) pythonStarStarMapping(userAgentEnv);
    const loginText = typeof login === 'string' ? login : String(login);
    const secret = typeof password === 'string' ? password : '';
    try {
      const uid = await throttle.attempt({ clientAddress: info.clientAddress, login: loginText }, async () => {
        if (isPythonFalsy(password)) return emptyPasswordLogin(served.pool, loginText);
        return served.credentials.authenticate(loginText, secret);
      });
      if (uid === null) return false;
      // res.users `_login` after the credential check: the res.users.log row of this login.
      await recordSuccessfulLogin(served, uid);
      return uid;
    } catch (error) {
      if (error instanceof OdooError && error.exceptionName === 'odoo.exceptions.AccessDenied') return false;
      throw error;
    }
  }

  /**
   * An empty password (or None/False): res.users `_login` finds the user, the password check
   * (`_check_credentials`: `if not credential['password']: raise AccessDenied()`) fails, and the
   * RPC fallback to API keys (`res.users.apikeys._check_credentials`) asserts `scope and key`:
   * Odoo answers the AssertionError, not False. A login that matches no active user is
   * AccessDenied before that, so False.
   */
  async function emptyPasswordLogin(pool: ServedDatabaseRuntime['pool'], login: string): Promise<null> {
    if (login.includes('\0')) return null;
    const { rows } = await pool.query('SELECT 1 FROM res_users WHERE login = $1 AND active LIMIT 1', [login]);
    if (rows.length === 0) return null;
    throw new OdooError('builtins.AssertionError', 'scope and key required');
  }

  return async (method: string, params: unknown[], info: RpcRequestInfo): Promise<unknown> => {
    switch (method) {
      case 'version':
        // common.py exp_version() takes no argument: an extra one is Python's TypeError.
        bindArguments({ qualname: 'exp_version', isFunction: true, params: [] }, params);
        return VERSION_INFO;
      case 'about': {
        const { extended } = bindArguments({ qualname: 'exp_about', isFunction: true, params: [{ name: 'extended', default: false }] }, params);
        return extended ? [ABOUT_TEXT, SERVER_VERSION] : ABOUT_TEXT;
      }
      case 'login': {
        const a = bindArguments({ qualname: 'exp_login', isFunction: true, params: [{ name: 'db' }, { name: 'login' }, { name: 'password' }] }, params);
        return authenticate(a.db, a.login, a.password, info);
      }
      case 'authenticate': {
        const a = bindArguments({ qualname: 'exp_authenticate', isFunction: true, params: [{ name: 'db' }, { name: 'login' }, { name: 'password' }, { name: 'user_agent_env' }] }, params);
        return authenticate(a.db, a.login, a.password, info, a.user_agent_env);
      }
      case 'set_loglevel':
        bindArguments({ qualname: 'exp_set_loglevel', isFunction: true, params: [{ name: 'loglevel' }, { name: 'logger', default: null }] }, params);
        return true;
      default:
        throw new OdooError('builtins.Exception', `Method not found: ${method}`);
    }
  };
}

/** Python truthiness of a JSON/XML-RPC value: '', None, False, 0, [] and {} are false. */
function isPythonFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0 && !(value instanceof Date) && !Buffer.isBuffer(value);
}
