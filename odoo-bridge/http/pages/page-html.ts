/**
 * The HTML pages the gateway serves in Odoo's place (its own markup, not Odoo's QWeb templates):
 * the login form, the page after login, and the error pages of frontend requests.
 */

/** QWeb's `t-out`/`t-att` escaping. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html>
    <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>${escapeHtml(title)}</title>
        <style>
            body { font-family: system-ui, sans-serif; background: #f4f4f6; margin: 0; }
            main { max-width: 22rem; margin: 10vh auto; background: #fff; padding: 2rem; border-radius: .5rem; box-shadow: 0 1px 4px #0002; }
            label { display: block; margin: .8rem 0 .3rem; }
            input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; }
            button { margin-top: 1.2rem; width: 100%; padding: .6rem; }
            .alert { background: #f8d7da; color: #58151c; padding: .6rem; border-radius: .3rem; }
        </style>
    </head>
    <body>
        <main>
${body}
        </main>
    </body>
</html>
`;
}

export interface LoginPageValues {
  csrfToken: string;
  database: string;
  login?: string;
  redirect?: string;
  error?: string;
}

/** The login form: it posts `/web/login` the fields Odoo's form posts (`login`, `password`, `type`, `redirect`, `csrf_token`). */
export function loginPage(values: LoginPageValues): string {
  const error = values.error ? `            <p class="alert" role="alert">${escapeHtml(values.error)}</p>\n` : '';
  return layout('Odoo', `            <h1>Log in</h1>
            <p>Database: <b>${escapeHtml(values.database)}</b></p>
            <form role="form" method="post" action="/web/login" class="oe_login_form">
                <input type="hidden" name="csrf_token" value="${escapeHtml(values.csrfToken)}"/>
                <label for="login">Email</label>
                <input type="text" placeholder="Email" name="login" id="login" required="required" autocapitalize="off" autocomplete="username" value="${escapeHtml(values.login ?? '')}"/>
                <label for="password">Password</label>
                <input type="password" placeholder="Password" name="password" id="password" required="required" autocomplete="current-password" maxlength="4096"/>
${error}                <input type="hidden" name="type" value="password"/>
                <input type="hidden" name="redirect" value="${escapeHtml(values.redirect ?? '')}"/>
                <button type="submit">Log in</button>
            </form>`);
}

/**
 * What `/odoo` shows a signed-in internal user. Odoo renders its web client there; the gateway
 * serves Odoo's APIs but not the web client's assets, so this page says who is signed in where
 * and offers the logout.
 */
export function signedInPage(values: { name: string; login: string; database: string }): string {
  return layout('Odoo', `            <h1>Signed in</h1>
            <p>You are signed in as <b>${escapeHtml(values.name)}</b> (${escapeHtml(values.login)}) on database <b>${escapeHtml(values.database)}</b>.</p>
            <p>This server answers Odoo's XML-RPC, JSON-RPC, web session and JSON-2 APIs; Odoo's web client itself is not served here.</p>
            <p><a href="/web/session/logout">Log out</a></p>`);
}

const ERROR_TEXTS: Record<number, [string, string]> = {
  400: ['Bad Request', 'The request could not be understood (for a form: the page expired, reload it).'],
  403: ['Forbidden', 'You are not allowed to see this page.'],
  404: ['Page not found', 'The page you were looking for could not be found.'],
  405: ['Method Not Allowed', 'The method is not allowed for this URL.'],
};

/** A frontend request's error page (http_routing renders these for requests with a database). */
export function frontendErrorPage(status: number): string {
  const [title, text] = ERROR_TEXTS[status] ?? ['Error', 'The request failed.'];
  return layout(`${status}: ${title} | Odoo`, `            <h1>${status}: ${escapeHtml(title)}</h1>
            <p>${escapeHtml(text)}</p>
            <p><a href="/">Home</a></p>`);
}

/** Werkzeug's own error page (`HTTPException.get_body`), as Odoo answers outside a frontend request. */
export function werkzeugPage(status: number, title: string, text: string): string {
  return `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${escapeHtml(text)}</p>\n`;
}
