import type { Generated } from 'kysely';

/** Legacy timestamps: `timestamp without time zone`, UTC (the monolith's convention). */
type LegacyTimestamp = string | Date;

/** M19's tables, under their legacy names and columns, the same in svc_dynamic and in the monolith. */
export interface M19Tables {
  activities: {
    id: Generated<number>;
    actor_id: number;
    object_id: number | null;
    create_uid: number | null;
    write_uid: number | null;
    verb: string;
    object_model: string | null;
    summary: string | null;
    visibility: string;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
  user_feeds: {
    id: Generated<number>;
    user_id: number;
    activity_id: number;
    create_uid: number | null;
    write_uid: number | null;
    seen: boolean | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
    score: number | null;
  };
  recommendations: {
    id: Generated<number>;
    user_id: number;
    item_id: number;
    create_uid: number | null;
    write_uid: number | null;
    item_model: string;
    reason: string | null;
    generated_at: LegacyTimestamp | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
    score: number | null;
  };
}

/** Dynamic's own tables (db/migrations.ts 0002), only ever in svc_dynamic. */
export interface DynamicOwnTables {
  feed_follows: { follower_id: number; followee_id: number; reason: 'coach' | 'client'; since: Generated<Date> };
  feed_community_members: { group_id: number; user_id: number; since: Generated<Date> };
  feed_preferences: { user_id: number; verb_weights: unknown; muted_actor_ids: number[]; version: Generated<string>; updated_at: Generated<Date> };
  feed_removal_epoch: { singleton: boolean; epoch: string };
  feed_user_epochs: { user_id: number; epoch: string };
}

/** svc_dynamic as the service's Kysely sees it (the kit adds its own tables). */
export interface DynamicDatabase extends M19Tables, DynamicOwnTables {}
