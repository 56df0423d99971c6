/**
 * hp.notification.action_mark_read (hp_operations/models/hp_operations.py):
 * `self.write({'is_read': True})`, True. One implementation for every client: the Odoo face on
 * either side of the cut (odoo/operations-behaviour.ts) and REST (POST
 * /ops/notifications/{id}/read) run it over their own store, which checks access as its protocol
 * does (the write ACL, then the write rules: a member only their own notifications).
 */
export interface NotificationReadStore {
  /** `self.write({'is_read': True})` on these ids (each once), with the protocol's checks. */
  markRead(ids: readonly number[]): Promise<void>;
}

export async function markNotificationsRead(store: NotificationReadStore, ids: readonly number[]): Promise<true> {
  // No read of `self` first: the method writes at once, so a missing or foreign id meets the write's checks.
  await store.markRead([...new Set(ids)]);
  return true;
}

/** The write of action_mark_read as the engine makes it, for a store that writes with plain SQL. */
export const MARK_READ_SQL = `UPDATE notifications SET is_read = true, write_uid = $2, write_date = (now() at time zone 'UTC') WHERE id = ANY($1::int4[])`;
