import { Router, type RequestHandler } from 'express';
import { accessError, keyError, OdooError, sessionExpired } from '../errors.ts';
import { bindArguments } from '../orm/dispatch/signature.ts';
import { VERSION_INFO } from '../rpc/version.ts';
import { LANGUAGES } from '../rpc/db-service.ts';
import type { ServedDatabaseRuntime } from '../served-databases.ts';
import { currentCredentialStamp } from '../../platform/credential-stamp.ts';
import { sessionIdOf } from '../sessions/session-cookie.ts';
import { buildSessionInfo } from '../sessions/session-info.ts';
import type { WebSession } from '../sessions/session-store.ts';
import { jsonEndpoint, type JsonCallContext, type JsonEndpointOptions } from './json-endpoint.ts';
import { callKwPreRead } from './call-kw-pre-read.ts';
import { answerRouted, forwardIfRouted } from './forwarding.ts';
import type { RouteQuery } from '../routing/call-router.ts';
import { pythonDict, pythonStarArgs, pythonTruthy } from '../wire/python-values.ts';
import { notFoundError } from './odoo-json-errors.ts';
import { rawBody } from './raw-body.ts';
import { cleanButtonAction } from './clean-action.ts';
import { openWebSession, urlRoot } from './open-web-session.ts';
import { werkzeugQuotePlus } from '../wire/werkzeug-url.ts';
import type { WebDeps } from './web-deps.ts';

export type WebRoutesDeps = WebDeps;

/** A request's logged-in session, checked against the user's current credentials. */
export interface AuthenticatedSession {
  sessionId: string;
  session: WebSession;
  database: ServedDatabaseRuntime;
}

/**
 * The web client's JSON routes: `/web/session/*`, `/web/dataset/call_kw[/…]`,
 * `/web/webclient/version_info`, `/web/database/list` (addons/web/controllers in Odoo 18).
 */
export function webSessionRoutes(deps: WebRoutesDeps): Router {
  const { databases, sessions, throttle, logger } = deps;
  const router = Router();
  /**
   * Registers a JSON route whose requests the call router may send upstream as they are: for
   * model calls it sees model and method, for session routes nothing (the upstream Odoo then
   * owns the session cookie).
   */
  const json = (
    path: string | string[],
    handler: Parameters<typeof jsonEndpoint>[1],
    query: (params: Record<string, unknown>) => RouteQuery = () => ({}),
    auth: 'none' | 'user' = 'none',
    readBeforeDispatch?: JsonEndpointOptions['readBeforeDispatch'],
  ) => {
    // auth='user' routes check the session before the body is read (see jsonEndpoint).
    const authenticateFirst = auth === 'user'
      ? async (context: JsonCallContext) => (await forwardIfRouted(deps.router, {}, context.req, context.res)) ?? requireSession(context)
      : undefined;
    for (const p of Array.isArray(path) ? path : [path]) {
      router.all(
        p,
        ...(auth === 'user' ? [routedOnlyWithDatabase] : []),
        rawBody,
        jsonEndpoint(
          p,
          async (params, context) => answerRouted(deps.router, query(params), context.req, context.res, () => handler(params, context)),
          logger,
          { ...(authenticateFirst ? { authenticateFirst } : {}), ...(readBeforeDispatch ? { readBeforeDispatch } : {}) },
        ),
      );
    }
  };

  /**
   * An auth='user' route exists only in a database's routing map: a request for which Odoo
   * picks no database (no session on a served one, and not exactly one served: http.py
   * `_get_session_and_dbname`) is matched against the nodb map, which holds only auth='none'
   * routes, so it is werkzeug's 404 page (the gateway's unknown-URL answer), whatever the body.
   */
  const routedOnlyWithDatabase: RequestHandler = (req, res, next) => {
    databaseOfRequest({ req, res }).then((database) => next(database ? undefined : 'route'), next);
  };

  /** auth='user': no valid session is Odoo's SessionExpired (code 100). */
  async function requireSession({ req }: JsonCallContext): Promise<AuthenticatedSession> {
    const sessionId = sessionIdOf(req);
    const session = sessionId ? await sessions.load(sessionId) : undefined;
    const database = session ? databases.get(session.db) : undefined;
    if (!sessionId || !session || !database) throw sessionExpired();
    if ((await currentCredentialStamp(database.pool, session.uid)) !== session.credentialStamp) {
      await sessions.destroy(sessionId);
      throw sessionExpired();
    }
    return { sessionId, session, database };
  }

  // web's home.py health (type='http', auth='none', any method): {"status": "pass"}; with a truthy
  // db_server_status it also opens a connection to the database server (500 and "fail" when it cannot).
  router.all('/web/health', (req, res) => {
    // json.dumps of {'status': …[, 'db_server_status': …]}, written as Python spaces it.
    const answer = (status: number, text: string) => res.status(status).set('Cache-Control', 'no-store').type('application/json').send(text);
    if (!req.query.db_server_status) return answer(200, '{"status": "pass"}');
    const first = databases.get(databases.names()[0]);
    (first ? first.pool.query('SELECT 1') : Promise.reject(new Error('no database served'))).then(
      () => answer(200, '{"status": "pass", "db_server_status": true}'),
      () => answer(500, '{"status": "fail", "db_server_status": false}'),
    );
  });

  json('/web/webclient/version_info', async () => VERSION_INFO);
  json('/web/database/list', async () => databases.names());
  // web's session.py get_lang_list: `dispatch_rpc('db', 'list_lang', [])`, auth='none'.
  json('/web/session/get_lang_list', async () => LANGUAGES.map(([code, name]) => [code, name]));

  json('/web/session/authenticate', async (params, { req, res }) => {
    const { db, login, password } = bindArguments(
      { qualname: 'Session.authenticate', params: [{ name: 'db' }, { name: 'login' }, { name: 'password' }, { name: 'base_location', default: null }] },
      [],
      pick(params, ['db', 'login', 'password', 'base_location']),
    );
    const database = databases.get(db);
    if (!database) throw accessError('Database not found.');
    const { info } = await openWebSession(deps, res, { database, login: String(login), password, clientAddress: req.ip ?? '', baseLocation: urlRoot(req) }, logger);
    return info;
  });

  json('/web/session/get_session_info', async (_params, context) => {
    const { database, session } = await requireSession(context);
    return buildSessionInfo(database.pool, database.name, session.uid);
  }, undefined, 'user');

  json('/web/session/check', async (_params, context) => {
    await requireSession(context);
    return undefined;
  }, undefined, 'user');

  json('/web/session/modules', async (_params, context) => {
    const { database } = await requireSession(context);
    const { rows } = await database.pool.query<{ name: string }>(`SELECT name FROM ir_module_module WHERE state = 'installed'`);
    return rows.map((r) => r.name);
  }, undefined, 'user');

  // web's session.py account (auth='user'): the odoo.com OAuth URL for this database, from the
  // sudo'ed config parameters database.uuid and web.base.url, werkzeug-url_encoded.
  json('/web/session/account', async (_params, context) => {
    const { session, database } = await requireSession(context);
    const param = async (key: string): Promise<string | false> => {
      const { rows } = await database.pool.query<{ value: string | null }>('SELECT value FROM ir_config_parameter WHERE key = $1', [key]);
      return rows[0]?.value ?? false;
    };
    const state = pythonJsonDumps([['d', session.db], ['u', await param('web.base.url')]]);
    const query: [string, string][] = [['response_type', 'token'], ['client_id', (await param('database.uuid')) || ''], ['state', state], ['scope', 'userinfo']];
    return `https://accounts.odoo.com/oauth2/auth?${query.map(([key, value]) => `${werkzeugQuotePlus(key)}=${werkzeugQuotePlus(value)}`).join('&')}`;
  }, undefined, 'user');

  json('/web/session/destroy', async (_params, context) => {
    const { sessionId } = await requireSession(context);
    await sessions.destroy(sessionId);
    return undefined;
  }, undefined, 'user');

  /**
   * The database a request's registry comes from before it is authenticated: its session's, or
   * Odoo's monodb (the one database served).
   */
  async function databaseOfRequest({ req }: JsonCallContext): Promise<ServedDatabaseRuntime | undefined> {
    const sessionId = sessionIdOf(req);
    const session = sessionId ? await sessions.load(sessionId) : undefined;
    return (session ? databases.get(session.db) : undefined) ?? databases.single();
  }

  /** `request.registry[model]`: the models installed in that database (ir_model holds one row per registry model). */
  async function modelInstalled(database: ServedDatabaseRuntime | undefined, model: string): Promise<boolean> {
    if (!database) return true;
    const { rowCount } = await database.pool.query('SELECT 1 FROM ir_model WHERE model = $1', [model]);
    return (rowCount ?? 0) > 0;
  }

  // web's dataset.py resequence (auth='user'): `request.env[model]` is a KeyError for a model the
  // registry lacks; the engine checks the field and writes every record in one transaction.
  json('/web/dataset/resequence', async (params, context) => {
    const { session, database } = await requireSession(context);
    const { model, ids, field, offset, context: callContext } = bindArguments(
      { qualname: 'DataSet.resequence', params: [{ name: 'model' }, { name: 'ids' }, { name: 'field', default: 'sequence' }, { name: 'offset', default: 0 }, { name: 'context', default: null }] },
      [],
      pick(params, ['model', 'ids', 'field', 'offset', 'context']),
    );
    if (typeof model !== 'string' || !(await modelInstalled(database, model))) throw keyError(typeof model === 'string' ? model : String(model));
    return database.call({
      database: database.name,
      uid: session.uid,
      model,
      method: 'resequence',
      webRoute: 'resequence',
      args: [],
      kwargs: { ids, field, offset, ...(pythonTruthy(callContext) ? { context: callContext } : {}) },
      transport: 'web',
    });
  }, (params) => ({ model: typeof params.model === 'string' ? params.model : undefined, method: 'write' }), 'user');

  json(['/web/dataset/call_kw', '/web/dataset/call_kw/*path', '/web/dataset/call_button', '/web/dataset/call_button/*path'], async (params, context) => {
    const { session, database } = await requireSession(context).catch(async (error: unknown) => {
      // Odoo looks the model up before it authenticates: an unknown one is a 404 even without a session.
      if (typeof params.model === 'string' && !(await modelInstalled(await databaseOfRequest(context), params.model))) throw notFoundError();
      throw error;
    });
    const { model, method, args, kwargs } = await bindCallKw(params).catch(async (error: unknown) => {
      // Odoo finds the model while picking the cursor, before binding the handler's arguments;
      // a call that binds reaches the engine, which says so itself.
      if (!(await modelInstalled(database, String(params.model)))) throw notFoundError();
      throw error;
    });
    try {
      const result = await database.call({
        database: database.name,
        uid: session.uid,
        model: String(model),
        method: String(method),
        // api.call_kw unpacks them as Python does: `*args` (a string is its characters, None
        // TypeError), `dict(kwargs)` (None is TypeError).
        args: pythonStarArgs(args),
        kwargs: pythonDict(kwargs),
        transport: 'web',
      });
      // web's dataset.py call_button answers an action (a dict whose type is not '') and False for
      // anything else the method returned.
      if (context.req.path.startsWith('/web/dataset/call_button')) return isObject(result) && result.type !== '' ? cleanButtonAction(result) : false;
      return result;
    } catch (error) {
      // The web route looks the model up while choosing its cursor: an unknown model is a 404 there.
      if (error instanceof OdooError && isUnknownModel(error)) throw notFoundError();
      throw error;
    }
  }, (params) => ({ model: typeof params.model === 'string' ? params.model : undefined, method: typeof params.method === 'string' ? params.method : undefined }), 'user',
  // A well-formed call (params with a model and a method name) reads nothing from the database here.
  (body, context) => (isWellFormedCall(body) ? Promise.resolve(undefined) : callKwPreRead(body, async (model) => modelInstalled(await databaseOfRequest(context), model))));

  return router;
}

async function bindCallKw(params: Record<string, unknown>) {
  return bindArguments(
    { qualname: 'DataSet.call_kw', params: [{ name: 'model' }, { name: 'method' }, { name: 'args' }, { name: 'kwargs' }, { name: 'path', default: null }] },
    [],
    pick(params, ['model', 'method', 'args', 'kwargs', 'path']),
  );
}

/** Odoo's route wrapper drops parameters the handler does not declare (with a warning). */
function pick(params: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([key]) => names.includes(key)));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWellFormedCall(body: { ok: boolean; value?: unknown }): boolean {
  const params = body.ok && isObject(body.value) ? body.value.params : undefined;
  return isObject(params) && typeof params.model === 'string' && typeof params.method === 'string';
}

function isUnknownModel(error: OdooError): boolean {
  return error.exceptionName === 'odoo.exceptions.UserError' && /^Object .* doesn't exist$/.test(error.message);
}

/** Python's `json.dumps` of a flat dict (default separators `, ` and `: `, ensure_ascii). */
function pythonJsonDumps(entries: [string, string | false][]): string {
  const dump = (value: string | false) =>
    value === false ? 'false' : JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `{${entries.map(([key, value]) => `${dump(key)}: ${dump(value)}`).join(', ')}}`;
}
