import { idsOf, inTransaction, odooNow, updateRecords, type BehaviourRegistry, type MethodSpec } from '../../../odoo-bridge/orm/index.ts';

/**
 * hp_feed's Python behaviour (addons/hp_feed/models/hp_feed.py): field defaults and
 * `hp.user.feed.action_mark_seen` (`self.write({'seen': True}); return True`). Registered on
 * the registry the engine serving M19 uses, on whichever side answers.
 */
export function registerFeedBehaviours(behaviours: BehaviourRegistry): BehaviourRegistry {
  behaviours.register('hp.activity', { defaults: () => ({ visibility: 'public' }) });
  behaviours.register('hp.recommendation', { defaults: () => ({ generated_at: odooNow() }) });
  const markSeen: MethodSpec = {
    api: 'records',
    signature: { qualname: 'HpUserFeed.action_mark_seen', params: [] },
    async run(ctx, model, _args, ids) {
      await inTransaction(ctx, (tx) => updateRecords({ ctx: tx, behaviours }, model, idsOf(ids), { seen: true }));
      return true;
    },
  };
  behaviours.register('hp.user.feed', { defaults: () => ({ seen: false }), methods: { action_mark_seen: markSeen } });
  return behaviours;
}

/** Business methods this service provides, per model (the control plane's "methods provided" gate reads this). */
export const DYNAMIC_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  'hp.user.feed': ['action_mark_seen'],
};
