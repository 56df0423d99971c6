import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { membershipWriteRefusal, type MembershipFacts } from '../../../services/biz/domain/community-membership-rule.ts';
import { ADMIN, COACH, GROUP_1, OPERATOR, startCommunitySide, type CommunitySide } from './community-sides.ts';

/** Who acts: the group's owner, an admin-role member, two plain members, a platform user outside the group, an operator. */
const ADMIN_MEMBER = GROUP_1.admins[0];
const [A, B, OUTSIDER] = [GROUP_1.active[0], GROUP_1.active[1], GROUP_1.active[2]];
const ACTORS = [COACH, ADMIN_MEMBER, A, B, OUTSIDER, OPERATOR];
const TARGETS = [A, B, ADMIN_MEMBER];

type Step =
  | { protocol: 'rpc'; kind: 'action_leave' | 'action_ban'; actor: number; target: number }
  | { protocol: 'rpc'; kind: 'write'; actor: number; target: number; vals: { state: 'active' | 'left' | 'banned' } | { role: 'admin' | 'member' } }
  | { protocol: 'rest'; kind: 'leave' | 'ban' | 'join'; actor: number; target: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ protocol: fc.constant('rpc' as const), kind: fc.constantFrom('action_leave' as const, 'action_ban' as const), actor: fc.constantFrom(...ACTORS), target: fc.constantFrom(...TARGETS) }),
  fc.record({
    protocol: fc.constant('rpc' as const), kind: fc.constant('write' as const), actor: fc.constantFrom(...ACTORS), target: fc.constantFrom(...TARGETS),
    vals: fc.oneof(fc.record({ state: fc.constantFrom('active' as const, 'left' as const, 'banned' as const) }), fc.record({ role: fc.constantFrom('admin' as const, 'member' as const) })),
  }),
  fc.record({ protocol: fc.constant('rest' as const), kind: fc.constantFrom('leave' as const, 'ban' as const, 'join' as const), actor: fc.constantFrom(...ACTORS), target: fc.constantFrom(...TARGETS) }),
);

/**
 * The membership rule on every protocol at once (SERVICES.md §6: in the monolith any member can
 * ban members or make others leave): random sequences of RPC writes and actions and REST
 * join/leave/ban by the group's owner, its admins, members, an outsider and an operator. Each
 * step is allowed exactly when the rule (domain/community-membership-rule.ts) allows it on the
 * rows as they are before the step; a refusal (AccessError over RPC, 403 over REST) changes no
 * row; member_count is the count of active members after every step; on both sides of M08's cut.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`the membership rule over RPC and REST, M08 owned by ${owner}`, () => {
    let side: CommunitySide;
    let seq = 0;

    beforeAll(async () => {
      side = await startCommunitySide(owner);
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
    });

    const snapshot = async (group: number) => ({
      members: (await side.rows.query('SELECT id, user_id, role, state, write_uid, write_date FROM members WHERE group_id = $1 ORDER BY id', [group])).rows,
      group: (await side.rows.query('SELECT member_count, write_uid, write_date FROM community_groups WHERE id = $1', [group])).rows[0],
    });
    const manages = async (group: number, uid: number) =>
      (await side.rows.query(
        `SELECT 1 FROM community_groups g WHERE g.id = $1 AND (g.owner_id = $2 OR EXISTS (SELECT 1 FROM members m WHERE m.group_id = g.id AND m.user_id = $2 AND m.state = 'active' AND m.role IN ('owner', 'admin')))`,
        [group, uid],
      )).rowCount === 1;

    /** The step's outcome: 'ok', 'refused' (AccessError / 403) or 'conflict' (409: joining while active). */
    const run = async (group: number, s: Step, memberId: number): Promise<'ok' | 'refused' | 'conflict'> => {
      if (s.protocol === 'rpc') {
        try {
          if (s.kind === 'write') await side.rpc(s.actor, 'hp.community.member', 'write', [[memberId], s.vals]);
          else await side.rpc(s.actor, 'hp.community.member', s.kind, [[memberId]]);
          return 'ok';
        } catch (error) {
          if (error instanceof OdooError && error.exceptionName === 'odoo.exceptions.AccessError') return 'refused';
          throw error;
        }
      }
      const path = s.kind === 'join' ? `/communities/groups/${group}/members` : `/communities/groups/${group}/members/${s.target}/${s.kind}`;
      const answer = await side.rest('POST', path, s.actor, s.kind === 'join' ? { userId: s.target } : undefined, { 'idempotency-key': `rule-${owner}-${seq++}` });
      if (answer.status === 200 || answer.status === 201) return 'ok';
      if (answer.status === 403) return 'refused';
      if (answer.status === 409) return 'conflict';
      throw new Error(`${path} as ${s.actor}: ${answer.status} ${answer.text}`);
    };

    it('every step is allowed exactly as the rule says, a refusal changes nothing, member_count stays the active members', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 7 }), async (steps) => {
          const group = (await side.rpc(COACH, 'hp.community.group', 'create', [{ name: `Rule ${owner} ${seq++}`, owner_id: COACH }])) as number;
          await side.rpc(ADMIN, 'hp.community.member', 'create', [[
            { group_id: group, user_id: COACH, role: 'owner' }, { group_id: group, user_id: ADMIN_MEMBER, role: 'admin' },
            { group_id: group, user_id: A }, { group_id: group, user_id: B },
          ]]);
          for (const s of steps) {
            const before = await snapshot(group);
            const row = before.members.find((m) => m.user_id === s.target) as MembershipFacts & { id: number };
            const vals = s.protocol === 'rpc'
              ? (s.kind === 'write' ? s.vals : { state: s.kind === 'action_leave' ? 'left' : 'banned' })
              : { state: s.kind === 'leave' ? 'left' : s.kind === 'ban' ? 'banned' : 'active' };
            const caller = { uid: s.actor, privileged: s.actor === OPERATOR };
            const expected = s.protocol === 'rest' && s.kind === 'join' && row.state === 'active'
              ? 'conflict'
              : membershipWriteRefusal(caller, { ...row, group_id: group }, vals, await manages(group, s.actor)) ? 'refused' : 'ok';
            const outcome = await run(group, s, row.id);
            expect({ step: s, state: row.state, role: row.role, outcome }).toEqual({ step: s, state: row.state, role: row.role, outcome: expected });
            const after = await snapshot(group);
            if (outcome !== 'ok') expect(after).toEqual(before);
            expect(after.group.member_count).toBe(after.members.filter((m) => m.state === 'active').length);
          }
        }),
        { numRuns: 15 },
      );
    }, 600_000);
  });
}
