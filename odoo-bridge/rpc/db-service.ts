import { accessDenied, keyError, OdooError } from '../errors.ts';
import type { DatabaseDirectory } from '../served-databases.ts';
import { bindArguments } from '../orm/dispatch/signature.ts';
import { SERVER_VERSION } from './version.ts';
import { readFileSync } from 'node:fs';

/** `scan_languages()`: Odoo's whole language list (data/languages.json, see data/extract_languages.py). */
export const LANGUAGES = JSON.parse(readFileSync(new URL('./data/languages.json', import.meta.url), 'utf8')) as [string, string][];

/** Database management changes servers, not data: Ficus never does it on a client's word. */
const MANAGEMENT_METHODS = new Set([
  'create_database', 'duplicate_database', 'drop', 'dump', 'restore', 'rename',
  'change_admin_password', 'migrate_databases', 'list_countries',
]);

/**
 * Odoo's `db` service, read-only: `list` shows only the databases Ficus serves; every
 * management method is refused with AccessDenied, as Odoo does for a wrong master password.
 */
export function createDbService(databases: DatabaseDirectory) {
  return async (method: string, params: unknown[]): Promise<unknown> => {
    if (MANAGEMENT_METHODS.has(method)) {
      // odoo/service/db.py `dispatch` takes the master password as params[0] before checking it:
      // no parameters at all is Python's IndexError, any password is refused.
      if (!Array.isArray(params) || params.length === 0) throw new OdooError('builtins.IndexError', 'list index out of range');
      throw accessDenied();
    }
    switch (method) {
      case 'list':
        bindArguments({ qualname: 'exp_list', isFunction: true, params: [{ name: 'document', default: false }] }, params);
        return databases.names();
      case 'db_exist': {
        const { db_name } = bindArguments({ qualname: 'exp_db_exist', isFunction: true, params: [{ name: 'db_name' }] }, params);
        return databases.get(db_name) !== undefined;
      }
      case 'server_version':
        bindArguments({ qualname: 'exp_server_version', isFunction: true, params: [] }, params);
        return SERVER_VERSION;
      case 'list_lang':
        bindArguments({ qualname: 'exp_list_lang', isFunction: true, params: [] }, params);
        return LANGUAGES.map(([code, name]) => [code, name]);
      default:
        // odoo/service/db.py `dispatch`: any other name is checked against the master password
        // first when `exp_<name>` exists (refused above); otherwise KeyError.
        throw keyError(`Method not found: ${method}`);
    }
  };
}
