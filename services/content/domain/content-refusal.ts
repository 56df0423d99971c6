import { RuleRefusal } from '../../kit/index.ts';

/**
 * A knowledge rule refusing a call, in no protocol's language: the Odoo face raises it as
 * Python's class with the addon's text (UserError), REST answers a problem (state → 409,
 * invalid → 422, access → 403).
 * - state: the content is in the wrong state for the action (already published, already bought)
 * - invalid: the input names something that does not exist or cannot be used
 * - access: the caller may not do this
 */
export class ContentRefused extends RuleRefusal {
  constructor(kind: 'state' | 'invalid' | 'access' | 'validation', message: string) {
    super(kind, message);
    this.name = 'ContentRefused';
  }
}
