import type { OperationState } from '../db/tables.ts';
import { OpsRefused } from './ops-refusal.ts';

/**
 * hp.operation's state machine (hp_operations/models/hp_operations.py): action_schedule
 * (draft → scheduled), action_done (scheduled → done) and action_cancel (anything but done →
 * cancelled). One implementation for every client: the Odoo face on either side of the cut
 * (odoo/operations-behaviour.ts) and REST (routes/operations.ts) run these functions over their
 * own OperationStore, which checks access the way its protocol does.
 */

/** `_("Only draft operations can be scheduled.")` */
export const ONLY_DRAFT_SCHEDULED = 'Only draft operations can be scheduled.';
/** `_("Only scheduled operations can be done.")` */
export const ONLY_SCHEDULED_DONE = 'Only scheduled operations can be done.';
/** `_("Done operations cannot be cancelled.")` */
export const DONE_NOT_CANCELLED = 'Done operations cannot be cancelled.';

export type OperationAction = 'schedule' | 'done' | 'cancel';

/** What each action requires of every operation of `self`, what it writes, and the addon's refusal. */
interface Transition {
  allows(state: OperationState): boolean;
  to: OperationState;
  refusal: string;
}

export const OPERATION_TRANSITIONS: Readonly<Record<OperationAction, Transition>> = {
  schedule: { allows: (state) => state === 'draft', to: 'scheduled', refusal: ONLY_DRAFT_SCHEDULED },
  done: { allows: (state) => state === 'scheduled', to: 'done', refusal: ONLY_SCHEDULED_DONE },
  cancel: { allows: (state) => state !== 'done', to: 'cancelled', refusal: DONE_NOT_CANCELLED },
};

/** The Odoo method of each action (the business methods the ops face provides). */
export const OPERATION_METHODS: Readonly<Record<OperationAction, string>> = {
  schedule: 'action_schedule',
  done: 'action_done',
  cancel: 'action_cancel',
};

/** What the rules read of an operation. */
export interface OperationFacts {
  id: number;
  state: OperationState;
}

/**
 * Where an action reads `self` and writes, on the caller's connection and with the caller's
 * checks: `read` is Python's first read of `self` (read ACL and rules, missing ids), `write` is
 * `self.write({'state': to})` (write ACL and rules). `write` gets the states as read, so a store
 * that does not serialise like Odoo's REPEATABLE READ can refuse a move another request made in
 * between instead of overwriting it.
 */
export interface OperationStore {
  read(ids: readonly number[]): Promise<Map<number, OperationFacts>>;
  write(operations: readonly OperationFacts[], transition: { action: OperationAction; to: OperationState }): Promise<void>;
}

/**
 * `action_schedule` / `action_done` / `action_cancel`: `any(op.state … for op in self)` refuses
 * the whole recordset with the addon's UserError text when one operation is in the wrong state
 * (nothing written), otherwise one write of the new state to every operation (each once).
 * Returns True, as the methods do.
 */
export async function runOperationAction(store: OperationStore, action: OperationAction, ids: readonly number[]): Promise<true> {
  const transition = OPERATION_TRANSITIONS[action];
  const operations = await store.read(ids);
  const unique = [...new Set(ids)].map((id) => operations.get(id)!);
  if (unique.some((op) => !transition.allows(op.state))) throw new OpsRefused('state', transition.refusal);
  await store.write(unique, { action, to: transition.to });
  return true;
}
