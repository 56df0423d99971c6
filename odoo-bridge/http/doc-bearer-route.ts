import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import { OdooError } from '../errors.ts';
import { pythonMethodsOf, type PythonMethod } from '../orm/dispatch/python-methods.ts';
import type { DatabaseDirectory, ServedDatabaseRuntime } from '../served-databases.ts';
import { stringifyPythonJson } from '../wire/json/python-json.ts';

export interface DocBearerDeps {
  databases: DatabaseDirectory;
  throttle: LoginThrottle;
  logger: Logger;
  pickDatabase(req: Request, databases: DatabaseDirectory): ServedDatabaseRuntime;
  authenticateBearer(req: Request, database: ServedDatabaseRuntime, throttle: LoginThrottle): Promise<number>;
  sendError(res: Response, error: unknown, logger: Logger): void;
}

/**
 * Odoo 19's `GET /doc-bearer/<model>.json` (addons/api_doc/controllers/api_doc.py `doc_model`):
 * the model's fields (`fields_get` plus the introducing module) and its public methods with
 * their parameters in order, which JSON-2 clients such as odoo-client-lib read to turn
 * positional arguments into named ones. The methods come from the Python sources' signatures
 * (orm/dispatch/python-methods.ts): the ones the engine runs natively have those same
 * signatures, the others are bound with them before their refusal. The model's read access is
 * checked as Odoo does (`Model.check_access('read')`), as the key's user.
 */
export function docBearerRoute(router: Router, deps: DocBearerDeps): void {
  router.get('/doc-bearer/:document', async (req, res) => {
    try {
      const document = String((req.params as { document: string }).document);
      if (!document.endsWith('.json') || document === 'index.json') throw notFound();
      const model = document.slice(0, -'.json'.length);
      const database = deps.pickDatabase(req, deps.databases);
      const uid = await deps.authenticateBearer(req, database, deps.throttle);
      const call = (method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
        database.call({ database: database.name, uid, model, method, args, kwargs, transport: 'json2' });
      try {
        await call('check_access_rights', ['read']);
      } catch (error) {
        if (error instanceof OdooError && /^Object .* doesn't exist$/.test(error.message)) throw notFound();
        throw error;
      }
      const lang = await userLang(database, uid);
      const [fields, name, fieldModules] = await Promise.all([
        call('fields_get', [], { context: { lang } }) as Promise<Record<string, Record<string, unknown>>>,
        modelName(database, model, lang),
        fieldModulesOf(database, model),
      ]);
      const body = {
        model,
        name,
        doc: null,
        fields: Object.fromEntries(Object.entries(fields).map(([field, description]) => [field, { ...description, module: fieldModules.get(field) ?? null }])),
        methods: Object.fromEntries([...pythonMethodsOf(model)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([method, python]) => [method, describe(python)])),
      };
      res
        .status(200)
        .set('Cache-Control', 'no-cache, private')
        .set('Content-Language', lang.replace('_', '-'))
        .type('application/json; charset=utf-8')
        .send(stringifyPythonJson(body));
    } catch (error) {
      deps.sendError(res, error, deps.logger);
    }
  });
}

/** api_doc's `Signature.as_dict()` of one method. */
function describe(python: PythonMethod): Record<string, unknown> {
  const parameters: Record<string, Record<string, unknown>> = {};
  const shown: string[] = [];
  for (const p of python.doc.parameters) {
    const entry: Record<string, unknown> = {};
    if (p.kind) entry.kind = p.kind;
    // Defaults that are not JSON values (a computed expression) are left out, as api_doc does.
    if ('default' in p && !p.defaultUnknown) entry.default = p.default;
    parameters[p.name] = entry;
    shown.push(p.defaultRepr !== undefined ? `${p.name}=${p.defaultRepr}` : p.name);
  }
  const api = [...(python.api === 'model' ? ['model'] : []), ...(python.doc.readonly ? ['readonly'] : [])];
  return {
    signature: `(${shown.join(', ')})`,
    parameters,
    ...(api.length ? { api } : {}),
    model: python.doc.introduced.model,
    module: python.doc.introduced.module,
  };
}

function notFound(): OdooError {
  return new OdooError('werkzeug.exceptions.NotFound', 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.');
}

async function userLang(database: ServedDatabaseRuntime, uid: number): Promise<string> {
  const { rows } = await database.pool.query<{ lang: string | null }>('SELECT p.lang FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1', [uid]);
  return rows[0]?.lang ?? 'en_US';
}

async function modelName(database: ServedDatabaseRuntime, model: string, lang: string): Promise<string> {
  const { rows } = await database.pool.query<{ name: string | null }>(
    `SELECT coalesce(name->>$2, name->>'en_US') AS name FROM ir_model WHERE model = $1`,
    [model, lang],
  );
  return rows[0]?.name ?? model;
}

/** The module that introduced each field: the first module whose data declares it (`Field._modules[0]`). */
async function fieldModulesOf(database: ServedDatabaseRuntime, model: string): Promise<Map<string, string>> {
  const { rows } = await database.pool.query<{ name: string; module: string }>(
    `SELECT DISTINCT ON (f.name) f.name, d.module
       FROM ir_model_fields f JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
      WHERE f.model = $1 ORDER BY f.name, d.id`,
    [model],
  );
  return new Map(rows.map((r) => [r.name, r.module]));
}
