/** What hp.user.feed.action_mark_seen writes: `self.write({'seen': True})`. */
export const SEEN = { seen: true } as const;

/** Writes values on feed entries with the caller's rights, as the protocol at hand checks them (the ORM's write, or REST's store). */
export interface FeedEntryWriter {
  write(ids: readonly number[], values: typeof SEEN): Promise<void>;
}

/**
 * hp.user.feed.action_mark_seen (hp_feed: `self.write({'seen': True}); return True`), the one
 * implementation of "mark these feed entries seen" for Odoo RPC (odoo/behaviours.ts, through the
 * engine's write) and REST (routes/mark-seen.ts, through the REST store): the same values, the
 * same answer; the writer brings the protocol's checks and errors.
 */
export async function markEntriesSeen(writer: FeedEntryWriter, ids: readonly number[]): Promise<true> {
  await writer.write(ids, SEEN);
  return true;
}
