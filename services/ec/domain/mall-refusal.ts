import { RuleRefusal } from '../../kit/index.ts';

/**
 * A mall rule refusing a call, in no protocol's language: the Odoo face raises it as Python's
 * class with the addon's text (UserError for a wrong state or missing stock), REST answers a
 * problem (state → 409, invalid → 422, access → 403).
 * - state: the order is in the wrong state for the action, or the stock cannot cover a line
 * - invalid: the input names something that does not exist or cannot be used
 * - access: the caller may not do this
 */
export class MallRefused extends RuleRefusal {
  constructor(kind: 'state' | 'invalid' | 'access', message: string) {
    super(kind, message);
    this.name = 'MallRefused';
  }
}
