import { BizRefused } from './biz-refusal.ts';
import type { LiveStreamFacts } from './live-streams.ts';

/**
 * The hole the monolith leaves open: hp.live.stream has no record rule, so any coach (whose ACL
 * writes and creates streams) can start, end or edit another coach's stream, or schedule one in
 * another coach's name. Biz closes it on every protocol and on both sides of the cut (SERVICES.md
 * §6; a deliberate difference listed in MIGRATION.md): only the stream's host, an operator or an
 * administrator (hp_account's operator group, which admins imply), a settings administrator
 * (base.group_system) or the superuser may write a stream; a stream is created for oneself,
 * unless one of those creates it. Everything else (ACLs, state checks, texts) is the addon's.
 */
export const OPERATOR_GROUP = 'hp_account.group_hp_operator';
export const SYSTEM_GROUP = 'base.group_system';

export const notHostMessage = (title: string): string =>
  `Only the host of a live stream, an operator or an administrator may change it: '${title}' is hosted by another user.`;
export const NOT_OWN_HOST_MESSAGE = 'You can only create live streams you host yourself: host_id must be your own user.';

/** Who is writing streams: the user, and whether they may act on any host's streams. */
export interface LiveCaller {
  uid: number;
  managesAnyStream: boolean;
}

/** The refusal of a write by a caller who is not the host of one of `streams` (the first such stream, in order). */
export function streamWriteRefusal(caller: LiveCaller, streams: readonly Pick<LiveStreamFacts, 'host_id' | 'title'>[]): BizRefused | undefined {
  if (caller.managesAnyStream) return undefined;
  const foreign = streams.find((s) => s.host_id !== caller.uid);
  return foreign ? new BizRefused('access', notHostMessage(foreign.title)) : undefined;
}

/** The refusal of a stream created with another user as host, by a caller who may only host their own. */
export function streamCreateRefusal(caller: LiveCaller, hostId: unknown): BizRefused | undefined {
  if (caller.managesAnyStream || hostId === undefined || hostId === null || hostId === false) return undefined;
  return Number(hostId) === caller.uid ? undefined : new BizRefused('access', NOT_OWN_HOST_MESSAGE);
}
