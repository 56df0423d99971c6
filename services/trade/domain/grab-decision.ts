/**
 * hp_grab's rule (models/hp_grab_order.py `action_decide`): a grab wins when its order is still
 * paid and unassigned at the moment the grab is decided; every other grab is lost. Deciding
 * is a guarded change of the order itself (state = paid AND no worker), so the database, not
 * a read taken earlier, says who was first.
 */
export type GrabState = 'requested' | 'won' | 'lost' | 'expired';

export const GRABBABLE_STATE = 'paid';

export function grabOutcome(assigned: boolean): Extract<GrabState, 'won' | 'lost'> {
  return assigned ? 'won' : 'lost';
}
