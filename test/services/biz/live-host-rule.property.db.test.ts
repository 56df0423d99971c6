import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { NOT_OWN_HOST_MESSAGE, notHostMessage } from '../../../services/biz/domain/live-stream-hosts.ts';
import { useLiveEnv } from './live-rest-stack.ts';
import { startLiveSide, type LiveSide } from './live-sides.ts';

const ADMIN = 2;
const OPERATOR = 302; // operator, not admin: writes streams, creates none (hp_live's ACL)
const COACHES = [246, 251, 260] as const;
const MEMBER = 6;
const CALLERS = [ADMIN, OPERATOR, MEMBER, ...COACHES] as const;
const MODEL = 'hp.live.stream';

type Action = 'go-live' | 'end' | 'write' | 'create';
type Outcome = 'ok' | 'state' | 'acl' | 'host';

const mayWrite = (uid: number) => uid !== MEMBER;
const mayCreate = (uid: number) => uid === ADMIN || (COACHES as readonly number[]).includes(uid);
const managesAny = (uid: number) => uid === ADMIN || uid === OPERATOR;

/**
 * What hp_live answers, with the host rule added, in Python's order: a method reads `self` and
 * checks the state first (every platform user may read streams), then `self.write` checks the
 * write ACL, then the host rule; a plain write or create checks the ACL, then the host rule.
 */
function expected(action: Action, caller: number, host: number, state: 'scheduled' | 'live'): Outcome {
  if (action === 'go-live' && state !== 'scheduled') return 'state';
  if (action === 'end' && state !== 'live') return 'state';
  if (action === 'create') return !mayCreate(caller) ? 'acl' : managesAny(caller) || caller === host ? 'ok' : 'host';
  if (!mayWrite(caller)) return 'acl';
  return managesAny(caller) || caller === host ? 'ok' : 'host';
}

/**
 * The host rule as a property over callers, hosts, states, methods and protocols, on both sides
 * of M07's cut: every call answers what hp_live answers plus the rule (only the host, an operator
 * or an administrator writes a stream; a stream is created for oneself), and a refused call
 * leaves the row as it was.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`the live-stream host rule on every protocol, M07 owned by ${owner}`, () => {
    let side: LiveSide;
    let restoreEnv: () => void;
    let seq = 0;

    beforeAll(async () => {
      restoreEnv = useLiveEnv();
      side = await startLiveSide(owner);
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
      restoreEnv?.();
    });

    const row = async (id: number) => (await side.stack.home(owner).query('SELECT host_id, state, title, write_uid, write_date FROM live_streams WHERE id = $1', [id])).rows[0];

    /** Runs `action` as `caller` on `protocol`, as the outcome it had. */
    async function attempt(protocol: 'rpc' | 'rest', action: Action, caller: number, stream: number, host: number): Promise<{ outcome: Outcome; message: string }> {
      if (protocol === 'rpc') {
        try {
          if (action === 'create') await side.rpc(caller, MODEL, 'create', [{ title: `Property create ${seq++}`, host_id: host }]);
          else if (action === 'write') await side.rpc(caller, MODEL, 'write', [[stream], { title: `Renamed ${seq++}` }]);
          else await side.rpc(caller, MODEL, action === 'go-live' ? 'action_go_live' : 'action_end', [[stream]]);
          return { outcome: 'ok', message: '' };
        } catch (error) {
          if (!(error instanceof OdooError)) throw error;
          if (error.exceptionName === 'odoo.exceptions.UserError') return { outcome: 'state', message: error.message };
          if (error.exceptionName !== 'odoo.exceptions.AccessError') throw error;
          return { outcome: error.message.startsWith('You are not allowed to') ? 'acl' : 'host', message: error.message };
        }
      }
      const token = side.stack.token(caller);
      const answer = action === 'create'
        ? await side.stack.call('POST', '/live-streams', token, { title: `Property create ${seq++}`, hostId: host }, { 'idempotency-key': `property-${owner}-${seq++}` })
        : await side.stack.call('POST', `/live-streams/${stream}/${action}`, token);
      if (answer.status === 200 || answer.status === 201) return { outcome: 'ok', message: '' };
      if (answer.status === 409) return { outcome: 'state', message: answer.body.detail };
      expect(answer.status).toBe(403);
      return { outcome: answer.body.detail.startsWith('You are not allowed to') ? 'acl' : 'host', message: answer.body.detail };
    }

    it('every call answers as hp_live plus the host rule, and a refused call changes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...COACHES), fc.constantFrom(...CALLERS), fc.constantFrom<'scheduled' | 'live'>('scheduled', 'live'),
          fc.constantFrom<Action>('go-live', 'end', 'write', 'create'), fc.constantFrom<'rpc' | 'rest'>('rpc', 'rest'),
          async (host, caller, state, action, requested) => {
            // REST has no plain write; that case runs over RPC.
            const protocol = action === 'write' ? 'rpc' : requested;
            const stream = (await side.rpc(ADMIN, MODEL, 'create', [{ title: `Property stream ${seq++}`, host_id: host }])) as number;
            if (state === 'live') await side.rpc(ADMIN, MODEL, 'action_go_live', [[stream]]);
            const before = await row(stream);
            const { outcome, message } = await attempt(protocol, action, caller, stream, host);
            const want = expected(action, caller, host, state);
            expect({ action, caller, host, state, protocol, outcome }).toEqual({ action, caller, host, state, protocol, outcome: want });
            if (outcome === 'host') expect(message).toBe(action === 'create' ? NOT_OWN_HOST_MESSAGE : notHostMessage(before.title));
            const after = await row(stream);
            if (outcome !== 'ok' || action === 'create') expect(after).toEqual(before);
            else if (action === 'write') expect(after.title).not.toBe(before.title);
            else expect(after.state).toBe(action === 'go-live' ? 'live' : 'ended');
          },
        ),
        { numRuns: 60 },
      );
    });
  });
}
