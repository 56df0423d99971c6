import { keyError } from '../errors.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { DatabaseDirectory } from '../served-databases.ts';
import { createCommonService, type RpcRequestInfo } from './common-service.ts';
import { createDbService } from './db-service.ts';
import { checkObjectCredentials, readObjectCredentials, toOdooCall } from './object-service.ts';

export type RpcDispatcher = (service: string, method: string, params: unknown[], info: RpcRequestInfo) => Promise<unknown>;

/**
 * `odoo.http.dispatch_rpc`: the three services shared by /xmlrpc, /xmlrpc/2 and /jsonrpc.
 * Params are always positional. Any other service name is Python's KeyError.
 */
export function createRpcDispatcher(databases: DatabaseDirectory, throttle: LoginThrottle): RpcDispatcher {
  const common = createCommonService(databases, throttle);
  const db = createDbService(databases);
  return (service, method, params, info) => {
    try {
      if (service === 'object') {
        const credentials = readObjectCredentials(databases, params, info.transport);
        const checking = checkObjectCredentials(credentials, throttle, info);
        const call = () => credentials.database.call(toOdooCall(credentials, method, params, info.transport));
        // A secret accepted before is checked synchronously: the call starts at once.
        return checking ? checking.then(call) : call();
      }
      switch (service) {
        case 'common':
          return common(method, params, info);
        case 'db':
          return db(method, params);
        default:
          throw keyError(service);
      }
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
