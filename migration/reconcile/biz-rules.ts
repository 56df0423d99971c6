import { on, type BusinessRule, type RuleBreach } from './rule-model.ts';

/**
 * The invariants of M03, M07 and M08 (hp_workbench, hp_live, hp_community_biz: the biz service),
 * from the addons' sources. Each module changes owner on its own, so each rule reads the tables
 * of one module only.
 *
 * - hp.community.group `member_count` (`_compute_member_count`, store=True, depends on
 *   `member_ids.state`): the number of the group's members in state `active`.
 * - hp.community.member `group_id` (many2one, required, ondelete='cascade'): in the monolith
 *   PostgreSQL's foreign key deletes a group's members with it; svc_biz keeps no foreign keys, so
 *   a member naming a group that does not exist is a cascade the service missed.
 * - hp.live.stream's state machine: `started_at` is written by `action_go_live` (scheduled →
 *   live) and `ended_at` by `action_end` (live → ended), both `copy=False`; so a scheduled stream
 *   has neither, a live one a start and no end, an ended one both, the end not before the start.
 * - hp.biz.dashboard `period`: "First day of the reported month" (the field's help), one row per
 *   owner and period (`owner_period_uniq`): a dashboard written for another day of a month is a
 *   second dashboard of that month that the constraint cannot see.
 */

/** Odoo's stored compute of `member_count`, in SQL: what the repair writes, from the members themselves. */
export const MEMBER_COUNT_SQL = `(SELECT count(*)::int4 FROM members m WHERE m.group_id = community_groups.id AND m.state = 'active')`;

const memberCountComputed: BusinessRule = {
  id: 'community-member-count-computed',
  title: "Every community group's member count is its number of active members",
  description:
    "For every community group, member_count equals the number of its members (members.group_id) in state 'active', " +
    'as hp.community.group computes and stores it; left and banned members are not counted.',
  tables: ['community_groups', 'members'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const [groups, active] = await Promise.all([
      on(locate, 'community_groups').query<{ id: number; owner_id: number | null; member_count: number | null }>(
        `SELECT id, owner_id, member_count FROM community_groups ORDER BY id`,
      ),
      on(locate, 'members').query<{ group_id: number; n: number }>(
        `SELECT group_id, count(*)::int4 AS n FROM members WHERE state = 'active' GROUP BY group_id`,
      ),
    ]);
    const counted = new Map(active.rows.map((r) => [r.group_id, r.n]));
    return groups.rows.flatMap((g): RuleBreach[] => {
      const expected = counted.get(g.id) ?? 0;
      // Odoo stores 0 for a group that never had a member; a NULL left by a raw insert reads 0 too.
      if ((g.member_count ?? 0) === expected) return [];
      return [{
        ids: { community_groups: [g.id], ...(g.owner_id ? { res_users: [g.owner_id] } : {}) },
        detail: `community group ${g.id}: member_count ${g.member_count ?? 'empty'}, ${expected} active member(s)`,
        repair: { kind: 'recompute-member-count', table: 'community_groups', groupId: g.id },
      }];
    });
  },
};

const memberGroupExists: BusinessRule = {
  id: 'community-member-group-exists',
  title: 'No community member belongs to a group that does not exist',
  description: "Every member's group_id finds a community group (hp.community.member's many2one is required and ondelete='cascade': a deleted group takes its members).",
  tables: ['members', 'community_groups'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const { rows } = await on(locate, 'members').query<{ id: number; group_id: number; user_id: number }>(`SELECT id, group_id, user_id FROM members ORDER BY id`);
    const named = [...new Set(rows.map((r) => r.group_id))];
    const existing = new Set((await on(locate, 'community_groups').query<{ id: number }>(`SELECT id FROM community_groups WHERE id = ANY($1::int4[])`, [named])).rows.map((r) => r.id));
    return rows
      .filter((r) => !existing.has(r.group_id))
      .map((r) => ({
        ids: { members: [r.id], community_groups: [r.group_id], res_users: [r.user_id] },
        detail: `member ${r.id} (user ${r.user_id}) belongs to community group ${r.group_id}, which does not exist`,
        noRepair: 'the group is gone: whether its members go too (the cascade) or the group comes back is for a person to decide',
      }));
  },
};

/** What hp.live.stream's state says of its times: which must be set, and which must not. */
export function streamTimesBreach(s: { state: string; started_at: string | null; ended_at: string | null }): string | undefined {
  const started = s.started_at !== null;
  const ended = s.ended_at !== null;
  switch (s.state) {
    case 'scheduled':
      return started || ended ? `is scheduled but has ${[started && 'a start', ended && 'an end'].filter(Boolean).join(' and ')}` : undefined;
    case 'live':
      return !started ? 'is live without a start' : ended ? 'is live but has an end' : undefined;
    case 'ended':
      if (!started || !ended) return `has ended without ${[!started && 'a start', !ended && 'an end'].filter(Boolean).join(' or ')}`;
      // Timestamps as Odoo's text (YYYY-MM-DD HH:MM:SS[.ffffff]) compare as they sort.
      return s.ended_at! < s.started_at! ? 'ended before it started' : undefined;
    default:
      return `is in state ${s.state}, which hp.live.stream does not have`;
  }
}

const streamTimesFollowState: BusinessRule = {
  id: 'live-stream-times-follow-state',
  title: "Every live stream's start and end times are those its state gives",
  description:
    'A scheduled stream has no started_at and no ended_at; a live one has started_at and no ended_at; an ended one has both, ' +
    'ended_at not before started_at (action_go_live writes started_at, action_end ended_at).',
  tables: ['live_streams'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'live_streams').query<{ id: number; host_id: number; state: string; started_at: string | null; ended_at: string | null }>(
      `SELECT id, host_id, state, started_at::text AS started_at, ended_at::text AS ended_at FROM live_streams ORDER BY id`,
    );
    return rows.flatMap((s): RuleBreach[] => {
      const why = streamTimesBreach(s);
      return why
        ? [{ ids: { live_streams: [s.id], res_users: [s.host_id] }, detail: `live stream ${s.id} (host ${s.host_id}) ${why}`, noRepair: "the times are the stream's history: a person decides which write was lost" }]
        : [];
    });
  },
};

const dashboardPeriodFirstOfMonth: BusinessRule = {
  id: 'dashboard-period-first-of-month',
  title: "Every dashboard's period is the first day of a month",
  description: "For every hp.biz.dashboard row, period is the first day of the reported month (the field's help): one dashboard per owner and month.",
  tables: ['biz_dashboards'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'biz_dashboards').query<{ id: number; owner_id: number; period: string }>(
      `SELECT id, owner_id, period::text AS period FROM biz_dashboards WHERE extract(day FROM period) <> 1 ORDER BY id`,
    );
    return rows.map((d) => ({
      ids: { biz_dashboards: [d.id], res_users: [d.owner_id] },
      detail: `dashboard ${d.id} (owner ${d.owner_id}) is for ${d.period}, not the first day of a month`,
      noRepair: 'moving it to the first of its month may meet the dashboard already there: a person merges them',
    }));
  },
};

export const BIZ_RULES: readonly BusinessRule[] = [memberCountComputed, memberGroupExists, streamTimesFollowState, dashboardPeriodFirstOfMonth];
