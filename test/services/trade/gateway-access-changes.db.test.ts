/**
 * The gateway's engine over a service database (migration-runtime.ts: createServiceEngine with the
 * database's access-change feed) keeps its access tables, user facts and group catalog until the
 * database announces a change, and falls back to its TTL while the feed is deaf. Every change is
 * plain SQL on svc_trade's copy, as the forward sync or an operator would make it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/index.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createServiceEngine, openAccessChangeFeed, startAccessChangeFeed, type AccessChangeFeed, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import trade from '../../../services/trade/index.ts';
import { changedAndAnnounced as announced } from './support/changed-and-announced.ts';
import { tradeServiceCopy, type TradeServiceCopy } from './support/trade-service-copy.ts';

// Users of the legacy database (README): member 6, coach 246 (coach implies member).
const MEMBER = 6;
const COACH = 246;
const quiet = { warn: () => undefined, info: () => undefined };

let copy: TradeServiceCopy;
let feed: AccessChangeFeed;
let engine: OrmEngine;

beforeAll(async () => {
  copy = await tradeServiceCopy();
  feed = await startAccessChangeFeed(copy.service.pool, { logger: quiet });
  engine = createServiceEngine(trade as ServiceWithOdooFace, { name: 'hp_legacy', pool: copy.service.pool, logger: createLogger({ level: 'silent', format: 'json' }), accessChanges: feed });
}, 60_000);
afterAll(async () => {
  await feed?.close();
  await copy?.stop();
});

const rpc = (on: OrmEngine, uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
  on.call({ database: 'hp_legacy', uid, model, method, args, kwargs });
const mayOffer = (on: OrmEngine = engine) => rpc(on, MEMBER, 'hp.health.service', 'check_access_rights', ['create'], { raise_exception: false });
const partnerFields = async (on: OrmEngine = engine) => Object.keys((await rpc(on, MEMBER, 'res.partner', 'fields_get', [], { attributes: ['type'] })) as object);

/** Runs `change` and resolves once `on` has announced it: no sleep, no TTL waited for. */
const changedAndAnnounced = <Row extends object = object>(change: string, params: unknown[] = [], on: AccessChangeFeed = feed) => announced<Row>(copy.service.pool, on, change, params);

/** The coach's groups the member lacks. */
async function coachOnlyGroups(): Promise<number[]> {
  const { rows } = await copy.service.pool.query<{ gid: number }>(
    'SELECT gid FROM res_groups_users_rel WHERE uid = $1 EXCEPT SELECT gid FROM res_groups_users_rel WHERE uid = $2', [COACH, MEMBER]);
  expect(rows.length).toBeGreaterThan(0);
  return rows.map((r) => r.gid);
}

describe("the gateway's engine over a service database sees an access change at the next call", () => {
  it('listens on the service database', () => {
    expect(feed.live).toBe(true);
  });

  it('a new ir_model_access row grants at once, and its removal takes the grant back', async () => {
    expect(await mayOffer()).toBe(false); // warms the tables
    const rows = await changedAndAnnounced<{ id: number }>(
      `INSERT INTO ir_model_access (id, name, model_id, group_id, perm_read, perm_write, perm_create, perm_unlink, active)
       SELECT (SELECT max(id) + 1 FROM ir_model_access), 'everyone offers', id, NULL, true, false, true, false, true FROM ir_model WHERE model = 'hp.health.service'
       RETURNING id`);
    try {
      expect(await mayOffer()).toBe(true);
    } finally {
      await changedAndAnnounced('DELETE FROM ir_model_access WHERE id = $1', [rows[0]!.id]);
    }
    expect(await mayOffer()).toBe(false);
  });

  it("a member given the coach's groups may offer at once, and may not once they are taken back", async () => {
    expect(await mayOffer()).toBe(false); // warms the member's facts
    const added = await coachOnlyGroups();
    await changedAndAnnounced('INSERT INTO res_groups_users_rel (gid, uid) SELECT unnest($1::int[]), $2', [added, MEMBER]);
    try {
      expect(await mayOffer()).toBe(true);
    } finally {
      await changedAndAnnounced('DELETE FROM res_groups_users_rel WHERE uid = $1 AND gid = ANY($2::int[])', [MEMBER, added]);
    }
    expect(await mayOffer()).toBe(false);
  });

  it("the group catalog follows: an xml id pointed at one of the member's groups opens the fields of that group to them", async () => {
    // res.partner.signup_type is for base.group_erp_manager (auth_signup), which the member is not in.
    expect(await partnerFields()).not.toContain('signup_type');
    const { rows } = await copy.service.pool.query<{ res_id: number; gid: number }>(
      `SELECT d.res_id, (SELECT min(gid) FROM res_groups_users_rel WHERE uid = $1) AS gid FROM ir_model_data d
        WHERE d.module = 'base' AND d.name = 'group_erp_manager'`, [MEMBER]);
    const { res_id: erpManager, gid: membersGroup } = rows[0]!;
    await changedAndAnnounced(`UPDATE ir_model_data SET res_id = $1 WHERE module = 'base' AND name = 'group_erp_manager'`, [membersGroup]);
    try {
      expect(await partnerFields()).toContain('signup_type');
    } finally {
      await changedAndAnnounced(`UPDATE ir_model_data SET res_id = $1 WHERE module = 'base' AND name = 'group_erp_manager'`, [erpManager]);
    }
    expect(await partnerFields()).not.toContain('signup_type');
  });

  it('keeps what it read while live, however long: no reload without an announcement', async () => {
    let clock = Date.now();
    const engineWithClock = createFullOrmEngine({ database: { name: 'hp_legacy', pool: copy.service.pool }, access: { changes: feed, ttlMs: 1_000, now: () => clock } });
    expect(await mayOffer(engineWithClock)).toBe(false);
    let statements = 0;
    const count = () => statements++;
    copy.service.pool.on('acquire', count);
    try {
      clock += 3_600_000;
      expect(await mayOffer(engineWithClock)).toBe(false);
      expect(statements).toBe(0);
    } finally {
      copy.service.pool.off('acquire', count);
    }
  });
});

describe('a lost listening connection', () => {
  it('falls back to the TTL while deaf: a change is seen once the TTL has passed, with no announcement', async () => {
    // A feed of its own that does not come back during the test (its reconnection waits minutes).
    const deafening = openAccessChangeFeed(copy.service.pool, { logger: quiet, backoff: { baseMs: 600_000, maxMs: 600_000 } });
    await deafening.started;
    expect(deafening.live).toBe(true);
    let clock = Date.now();
    const ttlMs = 5_000;
    const engineWithClock = createFullOrmEngine({ database: { name: 'hp_legacy', pool: copy.service.pool }, access: { changes: deafening, ttlMs, now: () => clock } });
    const added = await coachOnlyGroups();
    try {
      expect(await mayOffer(engineWithClock)).toBe(false);
      // The newest listening backend is this feed's (the shared one connected before it).
      await copy.service.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ficus_access_listen' AND datname = current_database() ORDER BY backend_start DESC LIMIT 1`);
      // Waits for the state, not for a time.
      for (let i = 0; i < 400 && deafening.live; i++) await new Promise((r) => setTimeout(r, 5));
      expect(deafening.live).toBe(false);
      await copy.service.pool.query('INSERT INTO res_groups_users_rel (gid, uid) SELECT unnest($1::int[]), $2', [added, MEMBER]);
      // Within the TTL the cached answer stands (nothing told the engine)…
      clock += ttlMs - 1;
      expect(await mayOffer(engineWithClock)).toBe(false);
      // …and past it the tables and the member's facts are read again.
      clock += 2;
      expect(await mayOffer(engineWithClock)).toBe(true);
    } finally {
      await deafening.close();
      await changedAndAnnounced('DELETE FROM res_groups_users_rel WHERE uid = $1 AND gid = ANY($2::int[])', [MEMBER, added]);
    }
    // The shared feed was not the one cut off.
    expect(feed.live).toBe(true);
  });
});
