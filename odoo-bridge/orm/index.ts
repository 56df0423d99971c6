/**
 * The ORM engine's public entry point: what a service (and services/kit) may use to serve Odoo
 * models from its own database. Everything else under odoo-bridge/orm/ is the engine's inside
 * and may change without notice; a service imports this file and services/kit/index.ts only.
 */

// Creating an engine: the full engine (access rights, record rules, writes, business methods)
// over a served database, with Odoo's own models' behaviour underneath the service's.
export { createFullOrmEngine } from './write/full-engine.ts';
export { coreBehaviours } from './write/core/core-behaviours.ts';
export type { OrmEngine } from './engine.ts';
export type { CallHandler, OdooCall, ServedDatabase } from '../call.ts';

// Access rights and record rules, for a caller that checks access outside a model call (REST
// authorization in services/kit/access): the engine's own policy, the user's groups, and record
// rules compiled to SQL over a model's table.
export { createAccessPolicy, type AccessChangeSignal, type AccessPolicyOptions, type DatabaseAccessPolicy, type FicusUserAccess } from './access/access-policy.ts';
export type { AccessMode, UserAccess } from './access-policy.ts';
export { forgetRegistry, loadRegistry } from './registry/registry-cache.ts';
export { recordRuleFilter } from './access/record-filter.ts';
export { declareRecordRules, declaredRecordRules, type DeclaredRecordRule } from './access/declared-rules.ts';
export { declareFieldGuards, declaredFieldGuards, type DeclaredFieldGuard } from './access/field-guards.ts';
export { userInGroup } from './access/user-in-group.ts';

// Model behaviour: Python defaults, create/write hooks, computes, constraints, business methods.
export { BehaviourRegistry, type ModelBehaviour, type ModelCaller, type Vals } from './write/behaviour-registry.ts';
export { idsOf, type MethodSpec } from './methods/method.ts';

// What a behaviour or business method works with: the call's context, its SQL connection, the model.
export type { CallContext } from './call-context.ts';
export type { Queryable } from './sql/execute.ts';
export type { ModelInfo, Registry } from './registry/types.ts';

// Helpers a business method needs to act like the ORM inside the call's transaction.
export { inTransaction } from './write/transaction.ts';
export { createRecords, updateRecords } from './write/record-writes.ts';
export { checkExist, checkRules, type WriteEnv } from './write/write-env.ts';
export { companyCurrency, odooNow } from './write/env-values.ts';

// Python literals as Odoo stores them in text (a risk rule's condition, read like safe_eval reads
// it, without evaluating code) and Python's repr() of values, for error texts that quote them.
export { evaluatePythonExpression, UnsupportedRuleExpression, type PyObject, type PyValue } from './access/python-expression.ts';
export { pyRepr } from './domain/python-repr.ts';
export { pyRound2 } from './python-round.ts';

// Odoo's fields.Html sanitizer (tools/mail.py html_sanitize), for a service storing HTML it receives over REST.
export { sanitizeHtml } from './write/html/html-sanitize.ts';

// Errors in Odoo's own classes, as clients see them (UserError, AccessError, …).
export {
  OdooError,
  accessError,
  missingBehaviour,
  missingError,
  typeError,
  userError,
  validationError,
  valueError,
} from '../errors.ts';

// Distributed mode: a model call and its answer on the wire between the gateway and a service process
// (odoo-bridge/routing/remote-call-codec.ts), and anything thrown made the Odoo error a client would get.
export { decodeAnswer, decodeCall, encodeAnswer, encodeCall } from '../routing/remote-call-codec.ts';
export { asOdooError } from '../http/odoo-json-errors.ts';

// Legacy credentials, for the auth service's REST login: the same checks as Odoo RPC logins
// (passwords and API keys against res_users / res_users_apikeys), the login cooldown they share,
// and hashing a password the way Odoo stores it.
export { createCredentialStore, type CredentialStore } from '../auth/credential-store.ts';
export { LoginThrottle } from '../auth/login-throttle.ts';
export { readLoginCooldownSettings } from '../auth/login-cooldown-settings.ts';
export { hashOdooPassword } from '../auth/odoo-password.ts';
export { recordSuccessfulLogin } from '../auth/login-log.ts';
