import { missingBehaviour } from '../../../errors.ts';
import { pythonMethod, pythonMethodOwners } from '../../dispatch/python-methods.ts';
import { idsOf, type MethodSpec } from '../../methods/method.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { inTransaction } from '../transaction.ts';
import { isMailThread } from './mail-thread.ts';
import { messageGetFollowers } from './message-get-followers.ts';
import { messagePost } from './message-post.ts';
import { messageSubscribe, messageUnsubscribe } from './followers.ts';

/**
 * mail.thread's public chatter methods, for every model whose Python class inherits mail.thread
 * (bound with the signature extracted from the sources, so a wrong call gets Python's TypeError):
 * message_post, message_subscribe, message_unsubscribe, message_get_followers. A model overriding one of them in a way
 * Ficus does not reproduce (discuss.channel's message_post) keeps the clear refusal.
 */
const OVERRIDES_RUN: Readonly<Record<string, readonly string[]>> = {
  // sms's override lives on mail.thread itself; sale.order's (autofollow, mark_so_as_sent) is handled in message-post.ts.
  message_post: ['mail.thread', 'sale.order'],
  message_subscribe: ['mail.thread'],
  message_unsubscribe: ['mail.thread'],
  message_get_followers: ['mail.thread'],
};

const intList = (value: unknown): number[] => (Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number' && Number.isInteger(v)) : typeof value === 'number' ? [value] : []);

export function mailThreadMethod(modelName: string, method: string, behaviours: BehaviourRegistry): MethodSpec | undefined {
  const allowed = OVERRIDES_RUN[method];
  const python = allowed ? pythonMethod(modelName, method) : undefined;
  if (!allowed || !python || !pythonMethodOwners(modelName, method).every((owner) => allowed.includes(owner))) return undefined;
  return {
    api: python.api,
    signature: python.signature,
    async run(ctx, model, a, rawIds) {
      if (!isMailThread(model)) throw missingBehaviour(model.name, `the business method ${method}()`);
      const ids = idsOf(rawIds);
      if (method === 'message_get_followers') return messageGetFollowers(ctx, model, ids, a);
      return inTransaction(ctx, async (t) => {
        if (method === 'message_post') return messagePost(t, behaviours, model, ids, a);
        if (method === 'message_subscribe') return messageSubscribe(t, behaviours, model, ids, a.partner_ids ? intList(a.partner_ids) : [], a.subtype_ids ? intList(a.subtype_ids) : []);
        return messageUnsubscribe(t, behaviours, model, ids, a.partner_ids ? intList(a.partner_ids) : []);
      });
    },
  };
}
