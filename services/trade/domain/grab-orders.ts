import { grabOutcome } from './grab-decision.ts';
import type { OrderEffects } from './order-effects.ts';

/** A grab waiting for its decision (hp.grab.order in state `requested`). */
export interface RequestedGrab {
  id: number;
  serviceOrderId: number;
  coachId: number;
}

export interface GrabDecision extends RequestedGrab {
  state: 'won' | 'lost';
  /** The order's customer when the grab won. */
  customerId: number | null;
}

/** Where grabs are decided: db/grab-store.ts, on whichever connection the edge holds (the ORM call's, the REST request's). */
export interface GrabStore {
  /**
   * Gives the order to the coach if it is still paid and unassigned, in one guarded change of the
   * order (so the database, not an earlier read, says who was first); its customer when it did.
   */
  assignIfGrabbable(grab: RequestedGrab, uid: number): Promise<{ customerId: number } | null>;
  /** Records the outcome on the grab, if it is still requested. */
  recordOutcome(grabId: number, state: 'won' | 'lost', uid: number): Promise<void>;
}

/**
 * hp_grab's `action_decide` (models/hp_grab_order.py), the one implementation behind an Odoo
 * client's hp.grab.order create / action_decide / a paid order's pending grabs and REST's
 * `POST /trade/grab-orders`: each requested grab in id order wins when its order is still paid
 * and unassigned, loses otherwise; a won grab assigns the order and publishes order_assigned
 * (via 'grab') through the side-effects port. `uid` writes the changes (the platform's sudo over
 * RPC, the coach over REST).
 */
export async function decideGrabs(store: GrabStore, effects: OrderEffects, grabs: readonly RequestedGrab[], uid: number): Promise<GrabDecision[]> {
  const decisions: GrabDecision[] = [];
  for (const grab of grabs) {
    const assigned = await store.assignIfGrabbable(grab, uid);
    const state = grabOutcome(assigned !== null);
    await store.recordOutcome(grab.id, state, uid);
    if (assigned) {
      await effects.assigned([{ id: grab.serviceOrderId, customerId: assigned.customerId, healthWorkerId: grab.coachId, via: 'grab', grabOrderId: grab.id }]);
    }
    decisions.push({ ...grab, state, customerId: assigned?.customerId ?? null });
  }
  return decisions;
}
