import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { OdooError } from '../../errors.ts';
import type { WebDeps } from '../web-deps.ts';
import type { ServedDatabaseRuntime } from '../../served-databases.ts';
import { currentCredentialStamp } from '../../../platform/credential-stamp.ts';
import { sessionIdOf, setSessionCookie } from '../../sessions/session-cookie.ts';
import { newSessionId } from '../../sessions/session-id.ts';
import type { WebSession } from '../../sessions/session-store.ts';
import { werkzeugUrlEncode } from '../../wire/werkzeug-url.ts';
import { forwardIfRouted } from '../forwarding.ts';
import { openWebSession, urlRoot } from '../open-web-session.ts';
import { csrfToken, isValidCsrfToken } from './csrf-token.ts';
import { frontendErrorPage, loginPage, signedInPage, werkzeugPage } from './page-html.ts';

export type WebPagesDeps = WebDeps;

/** What a page request knows before its route runs: the database Odoo would pick and the signed-in session, if any. */
interface PageRequest {
  database: ServedDatabaseRuntime | undefined;
  sessionId: string | undefined;
  /** A stored session whose credentials are still current. */
  session: WebSession | undefined;
}

/** Werkzeug's SAFE_METHODS: the others must carry the form's CSRF token (`HttpDispatcher.dispatch`). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const HTML = 'text/html; charset=utf-8';
/** http_routing's `Response(html, content_type='text/html;charset=utf-8')`, spelled as it is. */
const FRONTEND_HTML = 'text/html;charset=utf-8';
const WRONG_LOGIN = 'Wrong login/password';
const EMPLOYEES_ONLY = 'Only employees can access this database. Please contact the administrator.';

/**
 * The web client's `type='http'` pages (addons/web/controllers/home.py, session.py; http_routing):
 * `/`, `/web`, `/odoo[/…]`, the login form, the logout, `/robots.txt`, and the 404 page of a URL
 * nothing answers. Statuses, redirects and content types are Odoo's; the HTML is the gateway's
 * own (Odoo's web client and its assets are not served).
 */
export function webPagesRoutes(deps: WebPagesDeps): Router {
  const { databases, sessions } = deps;
  const router = Router();
  const readForm = express.urlencoded({ extended: false, limit: '1mb' });

  async function pageRequest(req: Request): Promise<PageRequest> {
    const sessionId = sessionIdOf(req);
    const stored = sessionId ? await sessions.load(sessionId) : undefined;
    const storedDatabase = stored ? databases.get(stored.db) : undefined;
    const current = stored && storedDatabase && (await currentCredentialStamp(storedDatabase.pool, stored.uid)) === stored.credentialStamp;
    // http.py `_get_session_and_dbname`: the session's database, else the one database served (monodb).
    return { database: storedDatabase ?? databases.single(), sessionId, session: current ? stored : undefined };
  }

  /**
   * A page route: forwarded as it came when the call router sends session routes upstream;
   * otherwise a form's fields are read, and the request's database and session looked up, before
   * `handle`.
   */
  const page = (handle: (req: Request, res: Response, context: PageRequest, params: Record<string, string>) => Promise<void>): RequestHandler => (req, res, next) => {
    (async () => {
      if ((await forwardIfRouted(deps.router, {}, req, res)) !== undefined) return;
      if (!SAFE_METHODS.has(req.method)) await new Promise<void>((resolve, reject) => readForm(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
      const context = await pageRequest(req);
      await handle(req, res, context, requestParams(req));
    })().catch(next);
  };

  /** A non-safe method must carry the form's token; a frontend route (website=True, when http_routing is installed) answers the refusal with its own page. */
  async function refusedCsrf(req: Request, res: Response, context: PageRequest, params: Record<string, string>, frontend: boolean): Promise<boolean> {
    if (SAFE_METHODS.has(req.method)) return false;
    if (context.database && (await isValidCsrfToken(context.database.pool, context.sessionId, params.csrf_token))) return false;
    if (frontend && context.database && (await moduleInstalled(context.database, 'http_routing'))) sendFrontendError(res, 400);
    else sendHtml(res, 400, HTML, werkzeugPage(400, 'Bad Request', 'Session expired (invalid CSRF token)'));
    return true;
  }

  /**
   * A URL no route answers: with a database picked where http_routing is installed (portal and
   * website bring it), http_routing serves its 404 page to this frontend request; without one
   * (several served, no session) or without the module, werkzeug's page. Left to the
   * gateway's last handler (res.locals.odooNotFound), as REST routers may still answer the URL.
   */
  router.use((req, res, next) => {
    res.locals.odooNotFound = () => {
      (async () => {
        const { database } = await pageRequest(req);
        if (database && (await moduleInstalled(database, 'http_routing'))) sendFrontendError(res, 404);
        else sendWerkzeugNotFound(res);
      })().catch((error: unknown) => {
        deps.logger.warn({ err: error, path: req.path }, 'could not tell the database of an unknown URL');
        sendWerkzeugNotFound(res);
      });
    };
    next();
  });

  // home.py index (auth='none'): a signed-in user who is not internal lands on /web/login_successful, anyone else on /odoo, with the query kept.
  router.all('/', page(async (req, res, context, params) => {
    if (await refusedCsrf(req, res, context, params, false)) return;
    const external = context.database && context.session && !(await isInternalUser(context.database, context.session.uid));
    redirect(res, withQuery(external ? '/web/login_successful' : '/odoo', params));
  }));

  // home.py web_client: the web client needs a database and a signed-in internal user.
  router.all(['/web', '/odoo', '/odoo/*subpath', '/scoped_app/*subpath'], page(async (req, res, context, params) => {
    // ensure_db: no database to pick (several served, no session) goes to the database selector, which the gateway does not serve.
    if (!context.database) return void sendWerkzeugNotFound(res);
    if (await refusedCsrf(req, res, context, params, false)) return;
    if (!context.session) return redirect(res, withQuery('/web/login', { redirect: fullPath(req) }));
    if (params.redirect) return redirect(res, localUrl(params.redirect));
    if (!(await isInternalUser(context.database, context.session.uid))) {
      // portal's web_client override sends portal users to /my (with the query); without portal, /web/login_successful.
      return redirect(res, (await moduleInstalled(context.database, 'portal')) ? withQuery('/my', params) : '/web/login_successful');
    }
    res.setHeader('X-Frame-Options', 'DENY');
    sendHtml(res, 200, HTML, signedInPage(await userFacts(context.database, context.session)));
  }));

  // home.py web_login: the form (GET) and the interactive login (POST).
  router.all('/web/login', page(async (req, res, context, params) => {
    const database = context.database;
    if (!database) return void sendWerkzeugNotFound(res);
    if (req.method === 'GET' && params.redirect && context.session) return redirect(res, localUrl(params.redirect));
    if (await refusedCsrf(req, res, context, params, false)) return;
    let error: string | undefined;
    if (!SAFE_METHODS.has(req.method)) {
      try {
        // Odoo keeps only the credential fields that are set: an empty password is no password.
        const { uid } = await openWebSession(deps, res, { database, login: params.login ?? '', password: params.password || undefined, clientAddress: req.ip ?? '', baseLocation: urlRoot(req) }, deps.logger);
        return redirect(res, localUrl(params.redirect || (await landingPage(database, uid))));
      } catch (thrown) {
        if (!(thrown instanceof OdooError) || thrown.exceptionName !== 'odoo.exceptions.AccessDenied') throw thrown;
        // The plain AccessDenied reads "Wrong login/password"; one with its own text (the login cooldown's) shows that text.
        error = thrown.message === 'Access Denied' ? WRONG_LOGIN : thrown.message;
      }
    } else if (params.error === 'access') {
      error = EMPLOYEES_ONLY;
    }
    // The form's token is bound to the browser's session id: a visitor without one is given one (stored at login).
    let sessionId = context.sessionId;
    if (!sessionId) {
      sessionId = newSessionId();
      setSessionCookie(res, sessionId, deps.maxInactivitySeconds);
    }
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.setHeader('Content-Security-Policy', "frame-ancestors 'self'");
    sendHtml(res, 200, HTML, loginPage({
      csrfToken: await csrfToken(database.pool, sessionId),
      database: database.name,
      ...(params.login ? { login: params.login } : context.session ? { login: context.session.login } : {}),
      ...(params.redirect ? { redirect: params.redirect } : {}),
      ...(error ? { error } : {}),
    }));
  }));

  // session.py logout, website=True through http_routing: the session ends (the database is kept) and the browser goes to `redirect`.
  router.all('/web/session/logout', page(async (req, res, context, params) => {
    if (await refusedCsrf(req, res, context, params, true)) return;
    if (context.sessionId) await sessions.destroy(context.sessionId);
    redirect(res, localUrl(params.redirect || '/odoo'));
  }));

  /**
   * An `auth='user'` page (website=True): without a session, whatever the method, the login form
   * with the URL to come back to (ir.http `_authenticate` runs before the CSRF check); with one,
   * the CSRF check, then the page. `module`: the route exists only where that module is installed.
   */
  const userPage = (module?: string) => page(async (req, res, context, params) => {
    if (!context.database || (module && !(await moduleInstalled(context.database, module)))) return void res.locals.odooNotFound?.();
    if (!context.session) return redirect(res, withQuery('/web/login', { redirect: fullPath(req) }));
    if (await refusedCsrf(req, res, context, params, true)) return;
    sendHtml(res, 200, HTML, signedInPage(await userFacts(context.database, context.session)));
  });
  // home.py login_successful: the landing page of users who are not employees (without portal).
  router.all('/web/login_successful', userPage());
  // portal's home (`/my`): where portal users land after login.
  router.all(['/my', '/my/home'], userPage('portal'));

  router.all('/robots.txt', page(async (req, res, context, params) => {
    if (await refusedCsrf(req, res, context, params, false)) return;
    sendHtml(res, 200, HTML, 'User-agent: *\nDisallow: /\n');
  }));

  return router;
}

/** Werkzeug's redirect (`request.redirect`: 303 See Other, its small HTML body). */
function redirect(res: Response, location: string, status = 303): void {
  res.setHeader('Location', location);
  const escaped = location.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  sendHtml(res, status, HTML, `<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href="${escaped}">${escaped}</a>. If not, click the link.\n`);
}

/** The content type exactly as given (express would respell a charset), and no body for HEAD. */
function sendHtml(res: Response, status: number, contentType: string, html: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.end(html);
}

function sendFrontendError(res: Response, status: number): void {
  sendHtml(res, status, FRONTEND_HTML, frontendErrorPage(status));
}

const NOT_FOUND_TEXT = 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';

export function sendWerkzeugNotFound(res: Response): void {
  sendHtml(res, 404, HTML, werkzeugPage(404, 'Not Found', NOT_FOUND_TEXT));
}

/** `request.params` of a `type='http'` route: the query string, then the form's fields (the last value of a repeated name). */
function requestParams(req: Request): Record<string, string> {
  const params: Record<string, string> = {};
  const url = new URL(req.originalUrl, 'http://gateway');
  for (const [key, value] of url.searchParams) params[key] = value;
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
    for (const [key, value] of Object.entries(req.body as Record<string, unknown>)) {
      const last = Array.isArray(value) ? value[value.length - 1] : value;
      if (typeof last === 'string') params[key] = last;
    }
  }
  return params;
}

/** werkzeug's `full_path`: the decoded path, `?`, and the raw query string (the `?` is always there). */
function fullPath(req: Request): string {
  const raw = req.originalUrl;
  const question = raw.indexOf('?');
  const path = question < 0 ? raw : raw.slice(0, question);
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as sent.
  }
  return `${decoded}?${question < 0 ? '' : raw.slice(question + 1)}`;
}

/** `redirect_query(url, query)`: the parameters url-encoded after `?`, none when empty. */
function withQuery(url: string, query: Record<string, string>): string {
  const pairs = Object.entries(query);
  return pairs.length ? `${url}?${werkzeugUrlEncode(pairs)}` : url;
}

/** `request.redirect(location, local=True)`: scheme and host dropped, so a redirect never leaves this server. */
function localUrl(location: string): string {
  let url: URL;
  try {
    url = new URL(location, 'http://gateway/');
  } catch {
    return '/';
  }
  return `/${`${url.pathname}${url.search}${url.hash}`.replace(/^\/+/, '')}`;
}

/** `_is_internal()`: a user who is not a share user (res.users `share` is stored: not in base.group_user). */
async function isInternalUser(database: ServedDatabaseRuntime, uid: number): Promise<boolean> {
  const { rows } = await database.pool.query<{ share: boolean | null }>('SELECT share FROM res_users WHERE id = $1', [uid]);
  return rows[0] !== undefined && rows[0].share !== true;
}

async function moduleInstalled(database: ServedDatabaseRuntime, module: string): Promise<boolean> {
  const { rowCount } = await database.pool.query(`SELECT 1 FROM ir_module_module WHERE name = $1 AND state = 'installed'`, [module]);
  return (rowCount ?? 0) > 0;
}

/** `_login_redirect` without a `redirect`: employees to the web client; others to portal's /my when installed, else /web/login_successful. */
async function landingPage(database: ServedDatabaseRuntime, uid: number): Promise<string> {
  if (await isInternalUser(database, uid)) return '/odoo';
  return (await moduleInstalled(database, 'portal')) ? '/my' : '/web/login_successful';
}

async function userFacts(database: ServedDatabaseRuntime, session: WebSession): Promise<{ name: string; login: string; database: string }> {
  const { rows } = await database.pool.query<{ name: string }>('SELECT p.name FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1', [session.uid]);
  return { name: rows[0]?.name ?? session.login, login: session.login, database: database.name };
}
