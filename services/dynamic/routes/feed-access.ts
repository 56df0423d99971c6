import { sql } from 'kysely';
import { problems, type RouteContext } from '../../kit/index.ts';
import type { DynamicDatabase } from '../db/tables.ts';
import { CursorError } from '../domain/feed-cursor.ts';
import { OPERATOR_GROUP } from '../domain/visibility.ts';

type Ctx = Pick<RouteContext<DynamicDatabase>, 'db' | 'principal' | 'access'>;

/**
 * Whether the caller may act on user `userId`'s feed or preferences: their own, or anyone's for
 * an operator (hp_feed's rule_user_feed_operator, which Odoo ORs with the member rule). `mode`
 * names the hp.user.feed right the action needs, checked first as Odoo checks the ACL. Another
 * member's id gets the same 403 whether it exists or not; an operator asking for a user that
 * does not exist gets 404.
 */
export async function assertMayUseFeedOf(ctx: Ctx, userId: number, mode: 'read' | 'write'): Promise<void> {
  const access = ctx.access!;
  await access.check('hp.user.feed', mode);
  if (ctx.principal!.userId === userId) return;
  if (!(await access.hasGroup(OPERATOR_GROUP))) throw problems.forbidden('a member may use only their own feed');
  const { rows } = await sql<{ id: number }>`SELECT id FROM res_users WHERE id = ${userId}`.execute(ctx.db);
  if (!rows.length) throw problems.notFound(`user ${userId} does not exist`);
}

/** A cursor that does not fit: 400 when it is not this feed's, 409 when the feed was ranked again since. */
export async function cursorProblems<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof CursorError)) throw error;
    throw error.stale ? problems.conflict(error.message, 'https://ficus.dev/problems/stale-cursor') : problems.badRequest(error.message);
  }
}
