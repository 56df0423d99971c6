/**
 * A service's rule refusing a call, in no protocol's language: each edge translates it, the Odoo
 * face into the exception class Python raises with the addon's text (odoo/odoo-calls.ts), REST
 * into a problem (refusal/as-problems.ts). `kind` says which:
 * - state: the record is in the wrong state for the action (UserError; 409)
 * - access: the caller may not do this (AccessError; 403)
 * - validation: a rule on the data (ValidationError; 422)
 * - invalid: the input names something that does not exist or cannot be used (UserError; 422)
 * - value / type: an argument Python's conversions reject (ValueError / TypeError; 422)
 * A service names its own subclass (BizRefused, UserRefused…) with the kinds its rules use.
 */
export type RefusalKind = 'state' | 'access' | 'validation' | 'invalid' | 'value' | 'type';

export class RuleRefusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
  ) {
    super(message);
    this.name = 'RuleRefusal';
  }
}
