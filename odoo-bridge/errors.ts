/**
 * Odoo's exception family, as clients see it on the wire.
 *
 * Every layer of the bridge (ORM engine, auth, dispatch) throws these; each transport turns
 * them into its own shape (JSON-RPC error object, XML-RPC fault, JSON-2 status + body).
 * `name` is the fully qualified Python class name clients match on (`data.name`).
 */
export type OdooExceptionName =
  | 'odoo.exceptions.UserError'
  | 'odoo.exceptions.ValidationError'
  | 'odoo.exceptions.AccessError'
  | 'odoo.exceptions.AccessDenied'
  | 'odoo.exceptions.MissingError'
  | 'odoo.exceptions.RedirectWarning'
  | 'odoo.http.SessionExpiredException'
  | 'werkzeug.exceptions.NotFound'
  | 'werkzeug.exceptions.UnprocessableEntity'
  | 'werkzeug.exceptions.ServiceUnavailable'
  | 'builtins.ValueError'
  | 'builtins.TypeError'
  | 'builtins.KeyError'
  | 'builtins.AttributeError'
  | 'odoo.addons.auth_signup.models.res_partner.SignupError'
  | 'builtins.NameError'
  | 'builtins.UnboundLocalError'
  | 'builtins.IndexError'
  | 'builtins.Exception'
  | 'builtins.AssertionError'
  | 'builtins.NotImplementedError'
  | 'builtins.MemoryError'
  | 'builtins.RecursionError'
  | 'json.decoder.JSONDecodeError'
  | 'psycopg2.errors.InvalidDatetimeFormat'
  | 'psycopg2.errors.DatetimeFieldOverflow'
  | 'psycopg2.errors.InvalidTextRepresentation'
  | 'psycopg2.errors.UndefinedFunction'
  // Any other psycopg2.errors class of a SQLSTATE (sql-text/client-literals.ts).
  | `psycopg2.errors.${string}`
  | 'psycopg2.OperationalError'
  | 'psycopg2.ProgrammingError';

export class OdooError extends Error {
  /** Python `exc.args`; Odoo exceptions carry the message as the first argument. */
  readonly arguments: unknown[];
  readonly context: Record<string, unknown>;

  constructor(
    readonly exceptionName: OdooExceptionName,
    message: string,
    options: { arguments?: unknown[]; context?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'OdooError';
    this.arguments = options.arguments ?? [message];
    this.context = options.context ?? {};
  }

  /** Python's `issubclass(type(exc), UserError)`: AccessError, AccessDenied, ValidationError, MissingError and RedirectWarning all are. */
  get isUserErrorFamily(): boolean {
    return this.exceptionName.startsWith('odoo.exceptions.');
  }
}

export const userError = (message: string) => new OdooError('odoo.exceptions.UserError', message);
export const validationError = (message: string) => new OdooError('odoo.exceptions.ValidationError', message);
export const accessError = (message: string) => new OdooError('odoo.exceptions.AccessError', message);
export const missingError = (message: string) => new OdooError('odoo.exceptions.MissingError', message);
export const accessDenied = (message = 'Access Denied') => new OdooError('odoo.exceptions.AccessDenied', message);
export const valueError = (message: string) => new OdooError('builtins.ValueError', message);
export const typeError = (message: string) => new OdooError('builtins.TypeError', message);
/** Odoo reports a KeyError's message as its key (`exception_to_unicode` takes `args[0]`). */
export const keyError = (key: string) => new OdooError('builtins.KeyError', key, { arguments: [key] });
export const sessionExpired = () => new OdooError('odoo.http.SessionExpiredException', 'Session expired');

/**
 * The gateway is at its admission limit for a database and its queue is full (odoo-bridge/admission):
 * werkzeug's 503 with its own description, as Odoo behind a saturated proxy or worker pool answers.
 */
export const serverBusy = (database: string, waiting: number) =>
  new OdooError(
    'werkzeug.exceptions.ServiceUnavailable',
    `503 Service Unavailable: The server is temporarily unable to service your request due to capacity problems (${waiting} calls to database ${database} are already waiting). Please try again later.`,
  );

/**
 * Raised when a call needs behaviour that lives in Odoo's Python (a business method, a stored
 * compute, a Python constraint) and no service provides it. A clear error beats a wrong value.
 */
export const missingBehaviour = (model: string, what: string) =>
  new OdooError(
    'odoo.exceptions.UserError',
    `Ficus cannot run ${what} of ${model}: this behaviour lives in Odoo's Python and no service provides it yet.`,
  );
