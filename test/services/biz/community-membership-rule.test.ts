import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BAN_MESSAGE, LEAVE_OTHERS_MESSAGE, membershipCreateRefusal, membershipWriteRefusal, MOVE_MEMBERSHIP_MESSAGE, type MembershipFacts,
} from '../../../services/biz/domain/community-membership-rule.ts';

const STATES = ['active', 'left', 'banned'] as const;
const ROLES = ['owner', 'admin', 'member'] as const;
const USERS = [6, 7, 8, 262];

const membership = fc.record<MembershipFacts>({
  id: fc.integer({ min: 1, max: 500 }),
  group_id: fc.constantFrom(1, 2),
  user_id: fc.constantFrom(...USERS),
  role: fc.constantFrom(...ROLES),
  state: fc.constantFrom(...STATES),
});
/** Writes as Odoo clients send them: any subset of the fields, values of the right kind or not. */
const vals = fc.record(
  {
    state: fc.constantFrom<unknown>(...STATES, 'archived', false),
    role: fc.constantFrom<unknown>(...ROLES, false),
    group_id: fc.constantFrom<unknown>(1, 2, false),
    user_id: fc.constantFrom<unknown>(...USERS, false),
    joined_at: fc.constantFrom<unknown>('2026-11-01 08:00:00', false),
  },
  { requiredKeys: [] },
);
const caller = fc.record({ uid: fc.constantFrom(...USERS), privileged: fc.boolean() });

/**
 * The membership rule biz adds (the monolith lets any member write any membership), as
 * properties over every caller, membership and write: what it must refuse, what it must allow,
 * and that managing a group never takes a right away.
 */
describe('the membership rule (domain/community-membership-rule.ts)', () => {
  it('operators, admins and the superuser keep every right Odoo gives them', () => {
    fc.assert(fc.property(caller, membership, vals, fc.boolean(), (c, row, v, manages) => {
      expect(membershipWriteRefusal({ ...c, privileged: true }, row, v, manages)).toBeUndefined();
      expect(membershipCreateRefusal({ ...c, privileged: true }, { group_id: row.group_id, ...v }, manages)).toBeUndefined();
    }));
  });

  it("someone who neither holds the membership nor manages its group changes nothing of it", () => {
    fc.assert(fc.property(caller, membership, vals, (c, row, v) => {
      fc.pre(c.uid !== row.user_id && !c.privileged);
      expect(membershipWriteRefusal(c, row, v, false)?.kind).toBe('access');
    }));
  });

  it('nobody but the member makes a membership leave, and nobody but a manager bans', () => {
    fc.assert(fc.property(caller, membership, fc.boolean(), (c, row, manages) => {
      fc.pre(!c.privileged);
      const leave = membershipWriteRefusal(c, row, { state: 'left' }, manages);
      if (row.state !== 'left') expect(leave?.message).toBe(c.uid === row.user_id ? undefined : LEAVE_OTHERS_MESSAGE);
      const ban = membershipWriteRefusal(c, row, { state: 'banned' }, manages);
      if (row.state !== 'banned') expect(ban?.message).toBe(manages ? undefined : BAN_MESSAGE);
    }));
  });

  it('a member may always leave their own membership, and rejoin it unless banned', () => {
    fc.assert(fc.property(membership, (row) => {
      const self = { uid: row.user_id, privileged: false };
      expect(membershipWriteRefusal(self, row, { state: 'left' }, false)).toBeUndefined();
      expect(membershipWriteRefusal(self, { ...row, state: 'left' }, { state: 'active' }, false)).toBeUndefined();
      expect(membershipWriteRefusal(self, { ...row, state: 'banned' }, { state: 'active' }, false)?.kind).toBe('access');
    }));
  });

  it('only operators move a membership to another group or user', () => {
    fc.assert(fc.property(caller, membership, fc.boolean(), fc.constantFrom(1, 2), fc.constantFrom(...USERS), (c, row, manages, group, user) => {
      fc.pre(!c.privileged);
      if (group !== row.group_id) expect(membershipWriteRefusal(c, row, { group_id: group }, manages)?.message).toBe(MOVE_MEMBERSHIP_MESSAGE);
      if (user !== row.user_id) expect(membershipWriteRefusal(c, row, { user_id: user }, manages)?.message).toBe(MOVE_MEMBERSHIP_MESSAGE);
    }));
  });

  it('managing the group never takes a right away (a refusal as manager is a refusal without)', () => {
    fc.assert(fc.property(caller, membership, vals, (c, row, v) => {
      if (membershipWriteRefusal(c, row, v, true)) expect(membershipWriteRefusal(c, row, v, false)).toBeDefined();
      const create = { group_id: row.group_id, ...v };
      if (membershipCreateRefusal(c, create, true)) expect(membershipCreateRefusal(c, create, false)).toBeDefined();
    }));
  });

  it('create: a member joins only themself, as an active plain member; a manager adds anyone with any role and state', () => {
    fc.assert(fc.property(caller, fc.constantFrom(...USERS), fc.option(fc.constantFrom(...ROLES), { nil: undefined }), fc.option(fc.constantFrom(...STATES), { nil: undefined }), (c, user, role, state) => {
      fc.pre(!c.privileged);
      const v = { group_id: 1, user_id: user, ...(role ? { role } : {}), ...(state ? { state } : {}) };
      const plainSelf = user === c.uid && (role ?? 'member') === 'member' && (state ?? 'active') === 'active';
      expect(membershipCreateRefusal(c, v, false) === undefined).toBe(plainSelf);
      expect(membershipCreateRefusal(c, v, true)).toBeUndefined();
    }));
  });
});
