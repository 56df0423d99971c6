import { idsOf, inTransaction, odooNow, updateRecords, type BehaviourRegistry, type MethodSpec } from '../../../odoo-bridge/orm/index.ts';
import { markEntriesSeen } from '../domain/mark-seen.ts';

/**
 * hp_feed's Python behaviour (addons/hp_feed/models/hp_feed.py): field defaults and
 * `hp.user.feed.action_mark_seen`, which runs the domain's markEntriesSeen (the same use case
 * REST's POST /users/{id}/feed/seen runs) through the engine's `write` (ACL, MissingError,
 * record rules, write_uid/write_date). Registered on the registry the engine serving M19 uses,
 * on whichever side answers.
 */
export function registerFeedBehaviours(behaviours: BehaviourRegistry): BehaviourRegistry {
  behaviours.register('hp.activity', { defaults: () => ({ visibility: 'public' }) });
  behaviours.register('hp.recommendation', { defaults: () => ({ generated_at: odooNow() }) });
  const markSeen: MethodSpec = {
    api: 'records',
    signature: { qualname: 'HpUserFeed.action_mark_seen', params: [] },
    async run(ctx, model, _args, ids) {
      return inTransaction(ctx, (tx) => markEntriesSeen({ write: async (entries, values) => void (await updateRecords({ ctx: tx, behaviours }, model, [...entries], { ...values })) }, idsOf(ids)));
    },
  };
  behaviours.register('hp.user.feed', { defaults: () => ({ seen: false }), methods: { action_mark_seen: markSeen } });
  return behaviours;
}

/** Business methods this service provides, per model (the control plane's "methods provided" gate reads this). */
export const DYNAMIC_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  'hp.user.feed': ['action_mark_seen'],
};
