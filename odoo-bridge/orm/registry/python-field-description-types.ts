/** The shape of python-field-description.generated.ts (kept apart so the data and its reader do not import each other). */

/**
 * A field's Python `domain=`: a literal list (with Python's repr), a client-side string, a lambda of
 * literals (`{ $model: true }` for `self._name`, `{ $env: 'company' | 'companies' | 'uid' }`), a string
 * lambda formatting xml ids' record ids, or code.
 */
export type PythonDomain =
  | { list: unknown[]; repr: string }
  | { str: string }
  | { lambda: unknown[] }
  | { format: string; refs: string[] }
  | { unknown: string };

/** A Selection's `selection=` when it is not a literal list: a method or module name, or another callable. */
export type PythonSelection = { method: string } | { callable: string };

/** The fields_get parameters one definition sets, as written (`{ unknown: source }` for code). */
export interface DescriptionParams {
  change_default?: boolean | { unknown: string };
  attachment?: boolean | { unknown: string };
  trim?: boolean | { unknown: string };
  check_company?: boolean | { unknown: string };
  store?: boolean | { unknown: string };
  default_export_compatible?: boolean | { unknown: string };
  exportable?: boolean | { unknown: string };
  company_dependent?: boolean | { unknown: string };
  /** A related field's `related_sudo=` / `compute_sudo=` (fields.py: a related field computes as superuser unless told not to). */
  related_sudo?: boolean | { unknown: string };
  compute_sudo?: boolean | { unknown: string };
  /** `precompute=True`: computed in `create` before the INSERT, on a new record built from the vals. */
  precompute?: boolean | { unknown: string };
  translate?: boolean;
  compute?: boolean;
  /** The definition sets `default=` (its value is python-field-facts' business). */
  default?: boolean;
  model_field?: string | null | { unknown: string };
  definition?: string | null | { unknown: string };
  related?: string | null | { unknown: string };
  aggregator?: string | false | null | { unknown: string };
  context?: Record<string, unknown> | { unknown: string };
  domain?: PythonDomain;
  selection?: PythonSelection;
  /** fields.Float `digits=`: (precision, scale), a decimal.precision name, or 0. */
  digits?: [number, number] | { precision: string } | number | null | { unknown: string };
}

/** One `name = fields.X(...)` of one module. */
export interface DescriptionDefinition {
  module: string;
  /** The field class (`Char`, `Many2one`, `Image`…). */
  type: string;
  params?: DescriptionParams;
}

export type PythonFieldDescriptions = Record<string, Record<string, DescriptionDefinition[]>>;

/** A model's `_check_company_domain`: models.check_company_domain_parent_of, res.users' (company_ids), or code. */
export type CheckCompanyDomainKind = 'parent_of' | 'companies_parent_of' | 'company_ids' | { unknown: string };
export type PythonCheckCompanyDomains = Record<string, Array<{ module: string; kind: CheckCompanyDomainKind }>>;
