import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommunitySide, type CommunitySide } from './community-sides.ts';

/**
 * What the cutover drill meets in every phase, in seconds rather than minutes: several members
 * joining and leaving one group at the same moment, over REST and Odoo RPC, on each side of M08's
 * cut. Odoo answers every one of them (its RPC layer retries a serialization failure, waiting up
 * to 2^try seconds; its recompute's UPDATE takes a lock that a member INSERT's foreign-key check
 * does not conflict with), and member_count ends as the active members. On the monolith's tables
 * (with members_group_id_fkey) a join that locks its group FOR UPDATE after the INSERT's KEY SHARE
 * deadlocks with another join of the same group.
 */
const COACH = 250;
const RPC_MEMBERS = [40, 41, 42, 43];
const REST_MEMBERS = [44, 45, 46, 47];

describe.each(['legacy', 'service'] as const)('concurrent joins and leaves of one group, M08 owned by %s', (owner) => {
  let side: CommunitySide;

  beforeAll(async () => {
    side = await startCommunitySide(owner);
  }, 180_000);
  afterAll(async () => side?.stop());

  it('every join and leave is answered, none twice, and member_count is the active members', async () => {
    const group = (await side.rows.query<{ id: number }>(
      `INSERT INTO community_groups (owner_id, name, privacy, currency_id, member_count) VALUES ($1, 'Contention', 'public', 6, 0) RETURNING id`, [COACH],
    )).rows[0]!.id;
    const failures: string[] = [];
    const failed = (who: string) => (error: unknown) => void failures.push(`${who}: ${(error as Error).message.slice(0, 160)}`);
    const rpcJoin = (uid: number) => side.rpc(uid, 'hp.community.member', 'create', [{ group_id: group, user_id: uid }]).then(Number);
    const restJoin = async (uid: number) => {
      const answer = await side.rest('POST', `/communities/groups/${group}/members`, uid, {}, { 'idempotency-key': `contention-${owner}-${uid}` });
      if (answer.status !== 201) throw new Error(`REST join: ${answer.status} ${JSON.stringify(answer.body).slice(0, 160)}`);
      return (answer.body as { id: number }).id;
    };
    const ids = await Promise.all([
      ...RPC_MEMBERS.map((uid) => rpcJoin(uid).catch(failed(`RPC join ${uid}`))),
      ...REST_MEMBERS.map((uid) => restJoin(uid).catch(failed(`REST join ${uid}`))),
    ]);
    // Half of them leave at once, on the protocol they joined by.
    await Promise.all([
      ...RPC_MEMBERS.slice(0, 2).map((uid, i) => side.rpc(uid, 'hp.community.member', 'action_leave', [[ids[i]]]).catch(failed(`RPC leave ${uid}`))),
      ...REST_MEMBERS.slice(0, 2).map(async (uid) => {
        const answer = await side.rest('POST', `/communities/groups/${group}/members/${uid}/leave`, uid);
        if (answer.status !== 200) failures.push(`REST leave ${uid}: ${answer.status}`);
      }),
    ]);
    expect(failures).toEqual([]);
    const { rows } = await side.rows.query<{ user_id: number; state: string }>(`SELECT user_id, state FROM members WHERE group_id = $1 ORDER BY user_id`, [group]);
    expect(rows).toEqual([...RPC_MEMBERS, ...REST_MEMBERS].map((uid) => ({ user_id: uid, state: [40, 41, 44, 45].includes(uid) ? 'left' : 'active' })));
    expect((await side.rows.query(`SELECT member_count FROM community_groups WHERE id = $1`, [group])).rows[0]).toEqual({ member_count: 4 });
  }, 120_000);
});
