import { OdooError } from '../../errors.ts';
import type { AccessMode } from '../access-policy.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';
import type { RuleRow } from './access-tables.ts';
import {
  evaluatePythonExpression,
  pythonTimeModule,
  UnsupportedRuleExpression,
  type PyObject,
  type PyValue,
} from './python-expression.ts';
import type { UserFacts } from './user-facts.ts';

export const TRUE_LEAF = [1, '=', 1] as const;
export const FALSE_LEAF = [0, '=', 1] as const;

/**
 * What `ir.rule._eval_context` offers a rule: `user` (the user record, attribute access
 * limited to the fields rules use), `company_ids` / `company_id` (env.companies / env.company)
 * and `time`.
 */
export function ruleEvalNames(user: UserFacts, companyIds: readonly number[], companyId: number | null): Record<string, PyValue> {
  return {
    user: userRecord(user),
    company_ids: [...companyIds],
    company_id: companyId ?? false,
    time: pythonTimeModule(),
  };
}

function record(id: number | null): PyValue {
  // An empty many2one is an empty recordset: `.id` is False in Python.
  return { kind: 'object', attribute: (name) => (name === 'id' ? (id ?? false) : name === 'ids' ? (id ? [id] : []) : undefined) };
}

function recordset(ids: readonly number[]): PyObject {
  return { kind: 'object', attribute: (name) => (name === 'ids' ? [...ids] : name === 'id' && ids.length === 1 ? ids[0]! : undefined) };
}

function userRecord(user: UserFacts): PyObject {
  return {
    kind: 'object',
    attribute(name) {
      switch (name) {
        case 'id': return user.uid;
        case 'ids': return [user.uid];
        case 'partner_id': return record(user.partnerId);
        case 'commercial_partner_id': return record(user.commercialPartnerId);
        case 'company_id': return record(user.companyId);
        case 'company_ids': return recordset(user.companyIds);
        case 'groups_id':
        case 'group_ids':
        case 'all_group_ids': return recordset([...user.groupIds].sort((a, b) => a - b));
        case 'share': return user.share;
        case 'login': return undefined; // not needed by any rule; fail closed rather than guess
        default: return undefined;
      }
    },
  };
}

/** `safe_eval(rule.domain_force, eval_context)`; an empty rule is TRUE. Fails closed. */
export function evaluateRule(rule: RuleRow, names: Record<string, PyValue>): unknown[] {
  const source = (rule.domainForce ?? '').trim();
  if (!source) return [[...TRUE_LEAF]];
  let value: PyValue;
  try {
    value = evaluatePythonExpression(source, names);
  } catch (error) {
    if (error instanceof UnsupportedRuleExpression) {
      throw new OdooError(
        'odoo.exceptions.AccessError',
        `Ficus cannot evaluate the record rule '${rule.name}' (id ${rule.id}) on ${rule.model}: ${error.message}. Access is denied until the rule is supported.`,
      );
    }
    throw error;
  }
  if (!Array.isArray(value)) {
    throw new OdooError('odoo.exceptions.AccessError', `The record rule '${rule.name}' (id ${rule.id}) on ${rule.model} does not evaluate to a domain.`);
  }
  return value.length ? value : [[...TRUE_LEAF]];
}

/** Odoo's `normalize_domain`: explicit '&' for implicit conjunctions, so domains can be combined in prefix form. */
export function normalizeDomain(domain: readonly unknown[]): unknown[] {
  if (!domain.length) return [[...TRUE_LEAF]];
  const result: unknown[] = [];
  let expected = 1;
  for (const token of domain) {
    if (expected === 0) {
      result.unshift('&');
      expected = 1;
    }
    if (Array.isArray(token)) expected -= 1;
    else expected += (token === '!' ? 1 : token === '&' || token === '|' ? 2 : 0) - 1;
    result.push(token);
  }
  return result;
}

/**
 * `expression.AND` / `expression.OR` (osv/expression.py `combine`): a domain equal to the unit
 * (TRUE for AND, FALSE for OR) is left out, one equal to the zero (FALSE for AND, TRUE for OR)
 * is the whole answer. So a user in a group whose rule is `[(1, '=', 1)]` (operators' "see all")
 * gets exactly TRUE_DOMAIN, whatever other group rules say — and `filtered_domain` then reads
 * no record (see `constantDomainTruth`).
 */
export function combineDomains(operator: '&' | '|', domains: readonly unknown[][]): unknown[] {
  const [unit, zero] = operator === '&' ? [TRUE_LEAF, FALSE_LEAF] : [FALSE_LEAF, TRUE_LEAF];
  const out: unknown[] = [];
  let count = 0;
  for (const domain of domains) {
    const normal = normalizeDomain(domain);
    if (isOnlyLeaf(normal, unit)) continue;
    if (isOnlyLeaf(normal, zero)) return [[...zero]];
    out.push(...normal);
    count += 1;
  }
  if (!count) return [[...unit]];
  return [...Array<string>(count - 1).fill(operator), ...out];
}

// Python's `==` on a leaf: True == 1, 1 == 1.0 (rules write tuples; a list never equals one in Python, but the evaluator does not tell them apart).
const pyEqual = (a: unknown, b: unknown) => (a === true ? 1 : a === false ? 0 : a) === b;
const isLeaf = (token: unknown, leaf: readonly unknown[]) => Array.isArray(token) && token.length === 3 && token.every((v, i) => pyEqual(v, leaf[i]));
const isOnlyLeaf = (domain: readonly unknown[], leaf: readonly unknown[]) => domain.length === 1 && isLeaf(domain[0], leaf);

/**
 * What `filtered_domain` makes of a domain without reading any record: TRUE_LEAF keeps every
 * record, FALSE_LEAF none (models.py compares each leaf with them before touching a field).
 * Null when some leaf names a field, i.e. checking the domain reads the records.
 */
export function constantDomainTruth(domain: readonly unknown[]): boolean | null {
  const stack: boolean[] = [];
  for (let i = domain.length - 1; i >= 0; i -= 1) {
    const token = domain[i];
    if (token === '|' || token === '&') {
      const a = stack.pop();
      const b = stack.pop();
      if (a === undefined || b === undefined) return null;
      stack.push(token === '|' ? a || b : a && b);
    } else if (token === '!') {
      const a = stack.pop();
      if (a === undefined) return null;
      stack.push(!a);
    } else if (isLeaf(token, TRUE_LEAF)) stack.push(true);
    else if (isLeaf(token, FALSE_LEAF)) stack.push(false);
    else return null;
  }
  return stack.length ? stack.every(Boolean) : null;
}

/** The rules of `model` for `mode` that concern this user: global ones and those of the user's groups. */
export function applicableRules(rules: readonly RuleRow[] | undefined, mode: AccessMode, groupIds: ReadonlySet<number>): { global: RuleRow[]; group: RuleRow[] } {
  const global: RuleRow[] = [];
  const group: RuleRow[] = [];
  for (const rule of rules ?? []) {
    if (!rule.modes.has(mode)) continue;
    if (!rule.groups.length) global.push(rule);
    else if (rule.groups.some((g) => groupIds.has(g))) group.push(rule);
  }
  return { global, group };
}

/**
 * `ir.rule._compute_domain(model, mode)`: AND(global rules, `_inherits` parents' rules as
 * `[fk, 'any', domain]`) AND OR(group rules); null when nothing applies.
 */
export function computeRuleDomain(
  registry: Registry,
  allRules: ReadonlyMap<string, RuleRow[]>,
  model: ModelInfo,
  mode: AccessMode,
  user: UserFacts,
  names: Record<string, PyValue>,
  seen: ReadonlySet<string> = new Set(),
): unknown[] | null {
  const globals: unknown[][] = [];
  for (const [parentName, fk] of model.inherits) {
    const parent = registry.model(parentName);
    if (!parent || seen.has(parentName)) continue;
    const parentDomain = computeRuleDomain(registry, allRules, parent, mode, user, names, new Set([...seen, model.name]));
    if (parentDomain) globals.push([[fk, 'any', parentDomain]]);
  }
  const { global, group } = applicableRules(allRules.get(model.name), mode, user.groupIds);
  for (const rule of global) globals.push(evaluateRule(rule, names));
  if (group.length) globals.push(combineDomains('|', group.map((r) => evaluateRule(r, names))));
  if (!globals.length) return null;
  return combineDomains('&', globals);
}
