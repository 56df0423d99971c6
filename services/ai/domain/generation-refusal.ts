import { RuleRefusal } from '../../kit/index.ts';

/**
 * An ai rule refusing a call, in no protocol's language: each edge translates it (the Odoo face
 * into Odoo's exception class with the addon's text, REST into a problem). `kind` says which:
 * - state: the task is in the wrong state for the action (UserError; 409)
 * - access: the caller may not do this (AccessError; 403)
 * - invalid: the input names something that does not exist or cannot be used (UserError; 422)
 */
export class AiRefused extends RuleRefusal {
  constructor(kind: 'state' | 'access' | 'invalid', message: string) {
    super(kind, message);
    this.name = 'AiRefused';
  }
}
