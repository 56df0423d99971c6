import { OdooError } from '../errors.ts';
import type { Transport } from '../call.ts';
import type { DatabaseDirectory } from '../served-databases.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import { bindArguments } from '../orm/dispatch/signature.ts';
import { ABOUT_TEXT, SERVER_VERSION, VERSION_INFO } from './version.ts';
import { unknownDatabase } from './unknown-database.ts';

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
  async function authenticate(db: unknown, login: unknown, password: unknown, info: RpcRequestInfo): Promise<number | false> {
    const served = databases.get(db);
    if (!served) throw unknownDatabase(db);
    const loginText = typeof login === 'string' ? login : String(login);
    const secret = typeof password === 'string' ? password : '';
    try {
      const uid = await throttle.attempt({ clientAddress: info.clientAddress, login: loginText }, () =>
        served.credentials.authenticate(loginText, secret),
      );
      return uid ?? false;
    } catch (error) {
      if (error instanceof OdooError && error.exceptionName === 'odoo.exceptions.AccessDenied') return false;
      throw error;
    }
  }

  return async (method: string, params: unknown[], info: RpcRequestInfo): Promise<unknown> => {
    switch (method) {
      case 'version':
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
        return authenticate(a.db, a.login, a.password, info);
      }
      case 'set_loglevel':
        bindArguments({ qualname: 'exp_set_loglevel', isFunction: true, params: [{ name: 'loglevel' }, { name: 'logger', default: null }] }, params);
        return true;
      default:
        throw new OdooError('builtins.Exception', `Method not found: ${method}`);
    }
  };
}
