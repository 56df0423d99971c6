import { RuleRefusal } from '../../kit/index.ts';

/**
 * A user-service rule refusing a call, in no protocol's language: each edge translates it (the
 * Odoo face into UserError / ValueError / TypeError / AccessError with the addon's text, REST
 * into a problem). `kind` says which:
 * - state: the record is in the wrong state for the action (UserError; 409)
 * - value / type: an argument Python's conversions reject (ValueError / TypeError; 422)
 * - access: the caller may not do this (AccessError; 403)
 * - validation: a rule on the data (ValidationError; 422)
 */
export class UserRefused extends RuleRefusal {
  constructor(kind: 'state' | 'value' | 'type' | 'access' | 'validation', message: string) {
    super(kind, message);
    this.name = 'UserRefused';
  }
}
