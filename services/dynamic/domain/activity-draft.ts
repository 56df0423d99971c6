import type { Visibility } from './visibility.ts';

/** An activity about to be recorded, before its feed entries are chosen (domain/audience.ts). */
export interface ActivityDraft {
  actorId: number;
  /** hp_feed's verbs, and the ones events add (VERBS). */
  verb: string;
  objectModel: string | null;
  objectId: number | null;
  summary: string;
  visibility: Visibility;
  /** Other users the activity concerns (the author of a liked post); ignored for a private activity. */
  participants: readonly number[];
  /** Whether the actor's followers (their coaches, clients, communities) get it too. */
  toFollowers: boolean;
  /**
   * One activity per fact: recording the same draft again finds the first one (an event handled
   * twice across the two databases, see db/feed-home.ts). Off for POST /activities, whose
   * retries the Idempotency-Key covers.
   */
  dedupe: boolean;
}

/**
 * hp_feed's verbs (hp.activity.verb's selection) and the ones activities made from events add;
 * the monolith reads an added verb as its key (Odoo does not check a stored selection value on
 * read), and nothing writes one through Odoo. MIGRATION.md lists them.
 */
export const LEGACY_VERBS = ['posted', 'commented', 'liked', 'completed_order', 'achieved_goal', 'went_live', 'answered'] as const;
export const EVENT_VERBS = ['ordered', 'order_assigned', 'took_order', 'delivered_service', 'joined', 'created_community'] as const;
export const VERBS = [...LEGACY_VERBS, ...EVENT_VERBS] as const;

/** Summaries are short headlines (hp.activity.summary is a Char): at most this many characters. */
export const SUMMARY_LIMIT = 200;

export function headline(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SUMMARY_LIMIT ? flat : `${flat.slice(0, SUMMARY_LIMIT - 1)}…`;
}
