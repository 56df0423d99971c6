import { idsOf, inTransaction, updateRecords, type BehaviourRegistry, type MethodSpec } from '../../../odoo-bridge/orm/index.ts';

/**
 * hp_account's Python behaviour (addons/hp_account/models/hp_auth_token.py): field defaults and
 * `hp.auth.token.action_revoke` (`self.write({'revoked': True}); return True`), so the write's
 * access rights and record rules apply exactly as in Odoo. Registered on whichever side answers.
 * A revoked row ends the REST login it belongs to: the session check (domain/sessions.ts
 * familyState) reads the same rows.
 */
export function registerAccountBehaviours(behaviours: BehaviourRegistry): BehaviourRegistry {
  const revoke: MethodSpec = {
    api: 'records',
    signature: { qualname: 'HpAuthToken.action_revoke', params: [] },
    async run(ctx, model, _args, ids) {
      await inTransaction(ctx, (tx) => updateRecords({ ctx: tx, behaviours }, model, idsOf(ids), { revoked: true }));
      return true;
    },
  };
  behaviours.register('hp.auth.token', { defaults: () => ({ scope: 'api', revoked: false }), methods: { action_revoke: revoke } });
  return behaviours;
}

/** Business methods this service provides, per model (the control plane's "methods provided" gate reads this). */
export const AUTH_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  'hp.auth.token': ['action_revoke'],
};
