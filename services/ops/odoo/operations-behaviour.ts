import { updateRecords, type BehaviourRegistry, type CallContext, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { readSelf, recordsMethod } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { markNotificationsRead } from '../domain/notification-read.ts';
import { readOperationFacts } from '../domain/operation-records.ts';
import { OPERATION_METHODS, runOperationAction, type OperationAction, type OperationStore } from '../domain/operations.ts';

/** `self` of an hp.operation method inside an ORM call: Python's first read through the engine (ACL, MissingError, rules), and `self.write` through it. */
function rpcOperationStore(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): OperationStore {
  return {
    read: async (ids) => (await readSelf(ctx, behaviours, model, 'operations', ids, ['state']), readOperationFacts(onQueryable(ctx.db), ids)),
    write: async (operations, transition) => void (await updateRecords({ ctx, behaviours }, model, operations.map((op) => op.id), { state: transition.to })),
  };
}

const QUALNAMES: Record<OperationAction, string> = {
  schedule: 'HpOperation.action_schedule',
  done: 'HpOperation.action_done',
  cancel: 'HpOperation.action_cancel',
};

/**
 * hp_operations's Python behaviour (M17): hp.operation's action_schedule / action_done /
 * action_cancel (domain/operations.ts) and hp.notification's action_mark_read
 * (domain/notification-read.ts), both written through the engine, so ACLs, record rules and
 * the audit columns are Odoo's. The same on both sides of the cut: nothing is published
 * (hp_operations announced nothing; the REST send is what delivers through channels).
 */
export function registerOperationsBehaviours(behaviours: BehaviourRegistry): BehaviourRegistry {
  const operationMethods = Object.fromEntries(
    (Object.keys(OPERATION_METHODS) as OperationAction[]).map((action) => [
      OPERATION_METHODS[action],
      recordsMethod(QUALNAMES[action], [], (ctx, model, ids) => runOperationAction(rpcOperationStore(ctx, behaviours, model), action, ids)),
    ]),
  );
  behaviours.register('hp.operation', { methods: operationMethods });
  behaviours.register('hp.notification', {
    methods: {
      action_mark_read: recordsMethod('HpNotification.action_mark_read', [], (ctx, model, ids) =>
        markNotificationsRead({ markRead: async (unique) => void (await updateRecords({ ctx, behaviours }, model, [...unique], { is_read: true })) }, ids)),
    },
  });
  return behaviours;
}

/** The business methods hp_operations defines (the ops face's business methods line). */
export const OPERATIONS_BUSINESS_METHODS = {
  'hp.operation': ['action_schedule', 'action_done', 'action_cancel'],
  'hp.notification': ['action_mark_read'],
} as const;
