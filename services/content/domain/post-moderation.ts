/** `self.write(vals)` of a post or question on the caller's connection: write ACL, missing ids skipped, write record rules, audit columns. */
export type StateWrite<State extends string> = (ids: readonly number[], vals: { state: State }) => Promise<void>;

/**
 * hp.community.post.action_hide: `self.write({'state': 'hidden'})`, True. No state check (a
 * deleted post can be hidden again, as in the addon). Who may: whoever the write record rules
 * let write the post: its author and operators (content's rules; the monolith let any member).
 */
export async function hidePosts(write: StateWrite<'hidden'>, ids: readonly number[]): Promise<true> {
  await write(ids, { state: 'hidden' });
  return true;
}
