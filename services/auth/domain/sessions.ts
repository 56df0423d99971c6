import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import type { SessionState } from '../../kit/index.ts';
import type { AuthDatabase, M01Tables } from '../db/tables.ts';
import { newRefreshToken, refreshTokenHash } from './refresh-tokens.ts';

/** Access tokens live 15 minutes: short enough that a stolen one is soon useless, long enough not to refresh per call. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** A refresh token not used for 30 days ends the login. Each rotation starts a new 30 days. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/** What `auth_tokens.scope` says of rows a REST login created (Odoo's default for others is 'api'). */
export const REFRESH_SCOPE = 'refresh';

/** `rows`: M01's tables where they live now (token-home.ts). `book`: svc_auth (refresh_sessions). */
export interface SessionStores {
  rows: Kysely<M01Tables>;
  book: Kysely<AuthDatabase>;
}

export interface IssuedSession {
  userId: number;
  refreshToken: string;
  /** The auth_tokens row of `refreshToken`. */
  tokenId: number;
  family: string;
  refreshExpiresAt: string;
}

/** A new login: a refresh token (an auth_tokens row, created as its user would) at the root of a new family. */
export async function startSession(stores: SessionStores, userId: number, now = new Date()): Promise<IssuedSession> {
  return issueInFamily(stores, userId, randomUUID(), now);
}

export type Rotation =
  | { outcome: 'rotated'; session: IssuedSession }
  /** Not ours, malformed, expired, revoked, deleted, or from a family that has ended. */
  | { outcome: 'refused'; why: string }
  /** A token already exchanged was presented again: someone else may hold it. The family is ended. */
  | { outcome: 'reused'; userId: number; family: string; ended: number };

/**
 * Exchanges a refresh token for a new one in the same family (the old one is used up), as RFC
 * 9700 §4.14.2 asks of public clients. Presenting a used-up token again ends the whole family:
 * either the client or a thief holds a newer token, and the server cannot tell which.
 * Concurrent exchanges of one token are serialised on its refresh_sessions row; the loser sees
 * a reuse.
 */
export async function rotateSession({ rows, book }: SessionStores, presented: unknown, actorNow = new Date()): Promise<Rotation> {
  const hash = refreshTokenHash(presented);
  if (!hash) return { outcome: 'refused', why: 'not a refresh token issued by this service' };
  const token = await rows.selectFrom('auth_tokens').select(['id', 'user_id', 'scope']).where('token_hash', '=', hash).executeTakeFirst();
  if (!token || token.scope !== REFRESH_SCOPE) return { outcome: 'refused', why: 'unknown refresh token' };
  const session = await book.selectFrom('refresh_sessions').selectAll().where('token_id', '=', token.id).forUpdate().executeTakeFirst();
  if (!session || session.user_id !== token.user_id) return { outcome: 'refused', why: 'unknown refresh token' };
  if (session.rotated_at) {
    const ended = await endFamily({ rows, book }, session.family, session.user_id);
    return { outcome: 'reused', userId: session.user_id, family: session.family, ended };
  }
  // Locked so that an hp.auth.token.action_revoke running now is either seen here or waits.
  const row = await rows.selectFrom('auth_tokens').select(['revoked', 'expires_at']).where('id', '=', token.id).forUpdate().executeTakeFirst();
  if (!row || row.revoked) return { outcome: 'refused', why: 'the refresh token was revoked' };
  if (row.expires_at !== null && row.expires_at <= odooNow(actorNow)) return { outcome: 'refused', why: 'the refresh token has expired; sign in again' };
  if ((await familyState({ rows, book }, session.family)) === 'revoked') return { outcome: 'refused', why: 'the login session was ended' };
  const next = await issueInFamily({ rows, book }, session.user_id, session.family, actorNow);
  const stamp = odooNow(actorNow);
  await rows.updateTable('auth_tokens').set({ last_used_at: stamp, write_uid: session.user_id, write_date: stamp }).where('id', '=', token.id).execute();
  await book.updateTable('refresh_sessions').set({ rotated_at: actorNow, replaced_by: next.tokenId }).where('token_id', '=', token.id).execute();
  return { outcome: 'rotated', session: next };
}

/**
 * Ends a login (logout, reuse): every auth_tokens row of the family is revoked, as
 * hp.auth.token.action_revoke would write it, by `actorUid`. Returns how many rows changed.
 */
export async function endFamily({ rows, book }: SessionStores, family: string, actorUid: number, now = new Date()): Promise<number> {
  const ids = await familyTokenIds(book, family);
  if (!ids.length) return 0;
  const stamp = odooNow(now);
  const result = await rows.updateTable('auth_tokens')
    .set({ revoked: true, write_uid: actorUid, write_date: stamp })
    .where('id', 'in', ids)
    .where(sql<boolean>`revoked IS NOT TRUE`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The family a presented refresh token belongs to, if it is one of ours (for logout). */
export async function familyOf({ rows, book }: SessionStores, presented: unknown): Promise<{ family: string; userId: number } | undefined> {
  const hash = refreshTokenHash(presented);
  if (!hash) return undefined;
  const token = await rows.selectFrom('auth_tokens').select('id').where('token_hash', '=', hash).executeTakeFirst();
  if (!token) return undefined;
  const session = await book.selectFrom('refresh_sessions').select(['family', 'user_id']).where('token_id', '=', token.id).executeTakeFirst();
  return session ? { family: session.family, userId: session.user_id } : undefined;
}

/**
 * Alive unless a row of the family was revoked (logout, reuse, or action_revoke over RPC on any
 * of its tokens) or deleted (unlink over RPC), or the family is unknown.
 */
export async function familyState({ rows, book }: SessionStores, family: string): Promise<SessionState> {
  return tokensState(rows, await familyTokenIds(book, family));
}

/**
 * familyState over token ids read beforehand. Asked while M01 may change owner (the session
 * authority does not hold the owner row), the ids must be read before the home is: every token
 * booked by then has its row in whichever home is read next (written there, or drained there by
 * the cutover or rollback that made it the home), whereas a token booked after the home was read
 * may live on the other side, and reading it as missing would end a live login.
 */
export async function tokensState(rows: Kysely<M01Tables>, ids: readonly number[]): Promise<SessionState> {
  if (!ids.length) return 'revoked';
  const row = await rows.selectFrom('auth_tokens')
    .select([sql<number>`count(*)::int`.as('present'), sql<boolean>`coalesce(bool_or(revoked), false)`.as('revoked')])
    .where('id', 'in', ids)
    .executeTakeFirstOrThrow();
  return row.revoked || row.present < ids.length ? 'revoked' : 'active';
}

export async function familyTokenIds(book: Kysely<AuthDatabase>, family: string): Promise<number[]> {
  const members = await book.selectFrom('refresh_sessions').select('token_id').where('family', '=', family).execute();
  return members.map((m) => m.token_id);
}

async function issueInFamily({ rows, book }: SessionStores, userId: number, family: string, now: Date): Promise<IssuedSession> {
  const { token, hash } = newRefreshToken();
  const stamp = odooNow(now);
  const refreshExpiresAt = odooNow(new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000));
  const inserted = await rows.insertInto('auth_tokens')
    .values({ user_id: userId, token_hash: hash, scope: REFRESH_SCOPE, revoked: false, expires_at: refreshExpiresAt, last_used_at: null, create_uid: userId, write_uid: userId, create_date: stamp, write_date: stamp })
    .returning('id')
    .executeTakeFirstOrThrow();
  await book.insertInto('refresh_sessions').values({ token_id: inserted.id, family, user_id: userId, rotated_at: null, replaced_by: null }).execute();
  return { userId, refreshToken: token, tokenId: inserted.id, family, refreshExpiresAt };
}
