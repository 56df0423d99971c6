import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import type { ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { builtServices, legacyPhaseBehaviours } from '../../../migration/legacy-addons/legacy-phase-behaviours.ts';
import { legacyDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';
import { engineAnswer, jsonLines, recordedCall, type RecordedCase } from './support/recorded-calls.ts';

/**
 * Security probes of the hp_legacy custom models recorded from a real Odoo 18
 * (fixtures/odoo-differential/hp-security-calls.json → hp-security.jsonl, recorded with
 *   scripts/differential-odoo.py --calls fixtures/odoo-differential/hp-security-calls.json \
 *     --record fixtures/odoo-differential/hp-security.jsonl
 * against a stock Odoo 18 serving a fresh restore of hp_legacy, /tmp/oracle/README.md), as
 * member001, member002, coach001, merchant001 and operator002, on the 19 hp models with record rules:
 * - reads of another user's row (read, read_group grouped by the owner field, web_read with nested
 *   specifications into res.users/res.partner, export_data of owner/partner paths, search_count
 *   through owner paths): the record rules, the ACLs and the comodel read checks of paths;
 * - rule-protected rows reached from models the user may read: hp.rating/hp.appointment/hp.grab.order
 *   → hp.service.order, hp.mall.order.line → hp.mall.order, hp.health.record → hp.device.binding,
 *   hp.user.feed → hp.activity, res.users.hp_rating_ids → orders (search_read, nested web_read and
 *   web_search_read, export paths, search_count through the owner's login, read_group and order by
 *   the link), res.users' points_balance/coach_rating_avg of others, aggregates of amounts and deltas;
 * - onchange with nested specifications into others' orders, web_read_group/read_group (lazy or not)
 *   of amounts by owner, name_create, default_get, order by the owner's login, context keys that
 *   must change nothing (uid, su), domains mixing one's own rows with another's;
 * - create for someone else, write and unlink of others' rows (member002, coach001, merchant001),
 *   and every state-machine method (`action_*`) on others' rows and in wrong states by each
 *   non-operator role: Odoo's AccessError/UserError/MissingError in the order the addons raise them.
 * Replayed in the recorded order on one fresh copy (the last calls change rows: they run after
 * every read). The engine runs the legacy phase's Python (legacy-phase-behaviours.ts): the addons'
 * business methods come from the services' legacy behaviours, as the product serves them.
 * Left out on purpose: the business methods whose Odoo answer Ficus changes by design
 * (action_close/action_accept on another's question, action_hide of another's post, action_ban
 * by a non-manager, action_unpublish by a non-author, members' and coaches' reads of hp.mall.order.line:
 * the holes content, biz and ec close, MIGRATION.md),
 * and get_metadata/copy_data (write_date/write_uid of rows the probes wrote). No answer here was
 * seen to depend on what an Odoo worker had cached from earlier calls (the 1236 calls were equal
 * on Ficus in the recording run and in the differential probes before it, over JSON-RPC and XML-RPC).
 */
const cases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/hp-security.jsonl');

let database: TestDatabase;
let engine: OrmEngine;
beforeAll(async () => {
  database = await legacyDatabase();
  const services = await builtServices();
  const callModel: ModelCaller = (ctx, model, method, args, kwargs = {}) =>
    engine.call({ database: 'hp_legacy', uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context } });
  engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: database.pool }, behaviours: legacyPhaseBehaviours(services, callModel), filestore: testFilestores().legacy });
}, 120_000);
afterAll(async () => database?.drop());

describe('hp_legacy record rules, ACLs and business methods recorded from a real Odoo 18', () => {
  it('holds refusals of each kind and answers, for every role', () => {
    const named = (name: string) => cases.filter((c) => c.response.body.error?.data.name === `odoo.exceptions.${name}`).length;
    expect(named('AccessError')).toBeGreaterThan(100);
    expect(named('UserError')).toBeGreaterThan(20);
    expect(cases.filter((c) => !c.response.body.error).length).toBeGreaterThan(100);
    for (const role of ['member001', 'member002', 'coach001', 'merchant001', 'operator002']) expect(cases.filter((c) => c.title.startsWith(`${role}:`)).length).toBeGreaterThan(50);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const got = await engineAnswer(engine, recordedCall(recorded));
      const expected = recorded.response.body;
      if (expected.error) {
        expect({ error: got.error, message: got.message }).toEqual({ error: expected.error.data.name, message: expected.error.data.message });
        return;
      }
      expect(got.error, got.message).toBeUndefined();
      expect(got.result).toEqual(expected.result);
    });
  }
});
