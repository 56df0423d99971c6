import { accessError, missingBehaviour, OdooError, userError } from '../errors.ts';
import type { CallHandler, OdooCall, ServedDatabase } from '../call.ts';
import type { AccessPolicy } from './access-policy.ts';
import { createCallContext } from './call-context.ts';
import type { Signature } from './dispatch/signature.ts';
import { pyRepr } from './domain/python-repr.ts';
import type { MethodSpec, MethodTable } from './methods/method.ts';
import { READ_METHODS } from './methods/index.ts';
import { bindOverride, overrideBinding } from './meta/override-api.ts';
import { loadRegistry } from './registry/registry-cache.ts';
import { inTableQueryScope } from './table-query/table-query-scope.ts';
import { tableQueryScopeOf } from './table-query/table-query-call.ts';
import { indexOutOfRange, pythonDict, pythonTruthy } from '../wire/python-values.ts';
import type { ModelInfo, Registry } from './registry/types.ts';
import type { CallContext } from './call-context.ts';

export interface OrmEngineOptions {
  database: ServedDatabase;
  /** Access rights and record rules (`createAccessPolicy`); `superuserPolicy` only where sudo is meant. */
  access: AccessPolicy;
  /** Extra or overriding methods (the write engine's create/write/unlink…). */
  methods?: MethodTable;
  /** Odoo filestore directory of this database, for attachment-stored binaries. */
  filestore?: string | null;
  /** Methods not in the table (business methods registered by services, or a clear missing-behaviour error). */
  resolveMethod?: (model: string, method: string) => MethodSpec | undefined;
  /** The web routes' own work (OdooCall `webRoute`), given the engine's whole method table. */
  webRoutes?: Partial<Record<NonNullable<OdooCall['webRoute']>, (methods: MethodTable) => WebRouteWork>>;
}

/** A web route's work on one model: its arguments as the route bound them. */
export type WebRouteWork = (ctx: CallContext, model: ModelInfo, args: Record<string, unknown>) => Promise<unknown>;

export interface OrmEngine {
  call: CallHandler;
  registry(): Promise<Registry>;
  readonly methods: MethodTable;
}

/** Odoo's `check_method_name` (models.py): private names and `init` are refused over RPC. */
const PRIVATE_METHOD = /^(_.*|init)$/;

/**
 * Answers Odoo external API calls (`execute_kw` / `call_kw`, reduced to an OdooCall by the
 * transports) from the database's tables, in the order Odoo 18 checks them
 * (odoo/service/model.py `execute` → `execute_cr` → odoo/api.py `call_kw`):
 * private method → unknown model → unknown method → argument binding → the method.
 */
export function createOrmEngine(options: OrmEngineOptions): OrmEngine {
  const methods: MethodTable = { ...READ_METHODS, ...options.methods };
  const policy = options.access;
  const filestore = options.filestore ?? null;
  const webRoutes = new Map(Object.entries(options.webRoutes ?? {}).map(([name, make]) => [name, make(methods)]));

  async function call(request: OdooCall): Promise<unknown> {
    const { method } = request;
    if (PRIVATE_METHOD.test(method)) throw accessError(`Private methods (such as ${method}) cannot be called remotely.`);
    const registry = await loadRegistry(options.database);
    const json2 = request.transport === 'json2';
    const model = registry.model(request.model);
    // Odoo 19's JSON-2 controller answers these as werkzeug errors of its own (NotFound, UnprocessableEntity).
    if (!model) throw json2 ? new OdooError('werkzeug.exceptions.NotFound', `the model ${pyRepr(request.model)} does not exist`) : userError(`Object ${request.model} doesn't exist`);
    if (request.webRoute) {
      const work = webRoutes.get(request.webRoute);
      if (!work) throw missingBehaviour(request.model, `the web route of ${request.webRoute}`);
      const { context, ...args } = pythonDict(request.kwargs ?? {});
      const ctx = await createCallContext({ registry, db: options.database.pool, uid: request.uid, rawContext: isMapping(context) ? context : undefined, policy, filestore });
      return inTableQueryScope(tableQueryScopeOf(ctx), () => work(ctx, model, args));
    }
    const spec = Object.hasOwn(methods, method) ? methods[method] : options.resolveMethod?.(request.model, method);
    if (!spec) {
      throw new OdooError(json2 ? 'werkzeug.exceptions.NotFound' : 'builtins.AttributeError', `The method '${method}' does not exist on the model '${request.model}'`);
    }
    // api.call_kw: `kwargs = dict(kwargs)`; `context = kwargs.pop('context', None) or {}` then
    // `with_context(context)`, itself a `dict(context)` (a string there is Python's ValueError).
    const kwargs = { ...pythonDict(request.kwargs ?? {}) };
    const givenContext = kwargs.context;
    const rawContext = pythonTruthy(givenContext) && !isMapping(givenContext) ? pythonDict(givenContext) : givenContext;
    delete kwargs.context;
    let args = Array.isArray(request.args) ? request.args : [];
    let ids: unknown;
    const binding = overrideBinding(spec, request.model, method, registry.modules);
    if (binding.api === 'records') {
      // `ids, args = args[0], args[1:]`: execute() hands call_kw a tuple, the web route its JSON list.
      if (!args.length) throw indexOutOfRange(request.transport === 'web' || request.transport === 'json2' ? 'list' : 'tuple');
      ids = args[0];
      args = args.slice(1);
    }
    if (json2) refuseUnboundJson2(binding.signature, args.length, kwargs);
    const bound = bindOverride(binding, args, kwargs);
    const ctx = await createCallContext({ registry, db: options.database.pool, uid: request.uid, rawContext, policy, filestore });
    return inTableQueryScope(tableQueryScopeOf(ctx), async () => spec.run(ctx, model, bound, ids));
  }

  return { call, registry: () => loadRegistry(options.database), methods };
}

/**
 * JSON-2's `inspect.signature(func).bind(records, **kwargs)` (Odoo 19 web_json_2): a parameter
 * without default that is not given, then a name the method does not take, as inspect words
 * them, answered as UnprocessableEntity (422).
 */
function refuseUnboundJson2(signature: Signature, positional: number, kwargs: Readonly<Record<string, unknown>>): void {
  const params = [...signature.params, ...(signature.keywordOnly ?? [])];
  // A JSON-2 request names every argument; the gateway's own JSON-2 calls (the doc-bearer route) may pass some by position.
  const missing = params.slice(Math.min(positional, signature.params.length)).find((p) => !('default' in p) && !Object.hasOwn(kwargs, p.name));
  if (missing) throw new OdooError('werkzeug.exceptions.UnprocessableEntity', `missing a required argument: ${pyRepr(missing.name)}`);
  if (signature.varKeywords) return;
  const unexpected = Object.keys(kwargs).find((key) => !params.some((p) => p.name === key));
  if (unexpected) throw new OdooError('werkzeug.exceptions.UnprocessableEntity', `got an unexpected keyword argument ${pyRepr(unexpected)}`);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
