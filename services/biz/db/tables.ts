import type { Generated } from 'kysely';

/** Legacy timestamps: `timestamp without time zone`, UTC (the monolith's convention). */
type LegacyTimestamp = string | Date;
/** Legacy dates: `date`. */
type LegacyDate = string | Date;
/** Monetary and `digits=` floats are `numeric`: pg returns them as strings. */
type LegacyNumeric = string | number;

export type LiveStreamState = 'scheduled' | 'live' | 'ended';
export type CommunityPrivacy = 'public' | 'private';
export type MemberRole = 'owner' | 'admin' | 'member';
export type MemberState = 'active' | 'left' | 'banned';

/** The tables of M03, M07 and M08, under their legacy names and columns, the same in svc_biz and in the monolith. */
export interface BizLegacyTables {
  biz_dashboards: {
    id: Generated<number>;
    owner_id: number;
    currency_id: number | null;
    orders_count: number | null;
    new_clients: number | null;
    create_uid: number | null;
    write_uid: number | null;
    /** The first day of the reported month. */
    period: LegacyDate;
    data: unknown;
    revenue: LegacyNumeric | null;
    rating_avg: LegacyNumeric | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
  live_streams: {
    id: Generated<number>;
    host_id: number;
    viewer_peak: number | null;
    currency_id: number;
    create_uid: number | null;
    write_uid: number | null;
    title: string;
    stream_key: string | null;
    state: LiveStreamState;
    revenue: LegacyNumeric | null;
    scheduled_at: LegacyTimestamp | null;
    started_at: LegacyTimestamp | null;
    ended_at: LegacyTimestamp | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
  community_groups: {
    id: Generated<number>;
    owner_id: number | null;
    currency_id: number;
    /** Stored compute: the group's members in state `active`. */
    member_count: number | null;
    create_uid: number | null;
    write_uid: number | null;
    name: string;
    privacy: CommunityPrivacy;
    description: string | null;
    fee: LegacyNumeric | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
  members: {
    id: Generated<number>;
    group_id: number;
    user_id: number;
    create_uid: number | null;
    write_uid: number | null;
    role: MemberRole;
    state: MemberState;
    joined_at: LegacyTimestamp | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
}

/** Everything svc_biz holds that the biz service's code queries (own tables join here as they are added). */
export type BizDatabase = BizLegacyTables;
