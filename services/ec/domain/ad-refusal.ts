import { RuleRefusal } from '../../kit/index.ts';

/**
 * An advertising rule refusing a call, in no protocol's language: the Odoo face raises it as
 * Python's class with the addon's text (UserError for a campaign in the wrong state), REST answers
 * a problem (state → 409).
 */
export class AdsRefused extends RuleRefusal {
  constructor(kind: 'state' | 'invalid', message: string) {
    super(kind, message);
    this.name = 'AdsRefused';
  }
}
