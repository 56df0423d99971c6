import { RuleRefusal } from '../../kit/index.ts';

/**
 * A Q&A rule refusing a call, in no protocol's language: the Odoo face raises it as Python's class
 * with the addon's text, REST answers a problem.
 * - state: the question is closed, or already has another accepted answer (UserError; 409)
 * - value: `ensure_one` on zero or several answers, `int(delta)` of a bad string (ValueError; 422)
 * - type: `int(delta)` of something that is not a number or string (TypeError; 422)
 */
export class QaRefused extends RuleRefusal {
  constructor(kind: 'state' | 'value' | 'type', message: string) {
    super(kind, message);
    this.name = 'QaRefused';
  }
}
