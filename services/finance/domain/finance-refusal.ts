import { RuleRefusal } from '../../kit/index.ts';

/**
 * Why a finance use case refused, in the addon's words. Each edge translates the kind into its
 * own language:
 * - `state`: a wrong state or an append-only write (Odoo UserError / REST 409),
 * - `validation`: a rule on the data (insufficient points, a gift to oneself: ValidationError / 422),
 * - `access`: the caller may not do this (AccessError / 403),
 * - `invalid`: the input names something that does not exist (UserError / 422).
 */
export class FinanceRefused extends RuleRefusal {
  constructor(kind: 'state' | 'validation' | 'access' | 'invalid', message: string) {
    super(kind, message);
    this.name = 'FinanceRefused';
  }
}
