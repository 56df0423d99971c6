import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialStampOf } from '../../../services/kit/auth/credential-stamp.ts';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import type { AccessChangeFeed } from '../../../services/kit/access/access-change-feed.ts';
import trade from '../../../services/trade/index.ts';
import { serveForTest, type ServiceUnderTest } from '../../../bench/support/service-app.ts';
import { changedAndAnnounced as announced } from './support/changed-and-announced.ts';
import { tradeServiceCopy, type TradeServiceCopy } from './support/trade-service-copy.ts';

// Users of the legacy database (README): member 6, coach 246 (coach implies member).
const MEMBER = 6;
const COACH = 246;

let copy: TradeServiceCopy;
let svc: ServiceUnderTest;
let feed: AccessChangeFeed;

beforeAll(async () => {
  copy = await tradeServiceCopy();
  svc = await serveForTest(trade, copy.service.url);
  feed = svc.runtime.accessChanges!;
}, 60_000);
afterAll(async () => {
  await svc?.stop();
  await copy?.stop();
});

const call = async (uid: number, method: string, path: string, body?: unknown) => {
  const token = issueToken(svc.keys.current, { userId: uid, credentialStamp: await credentialStampOf(copy.service.pool, uid) });
  const response = await fetch(`${svc.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
};

/**
 * Runs `change` on the service database and resolves once the feed has announced it: the router's
 * access checks subscribed to the feed before this, so by then their caches are void. No sleep:
 * with the old 1 s TTL the call right after would still have seen the cached answer.
 */
const changedAndAnnounced = <Row extends object = object>(change: string, params: unknown[] = []) => announced<Row>(copy.service.pool, feed, change, params);

const offer = (uid: number) => call(uid, 'POST', '/trade/health-services', { name: 'Yoga', category: 'fitness', price: '1' });

describe("the REST access checks see a change of the service copy's access tables at the next call", () => {
  it('listens: the feed is live once the service has started on a complete copy', () => {
    expect(feed.live).toBe(true);
  });

  it("a member given the coach's groups may offer a service at once, and may not once they are taken back", async () => {
    // Warm the caches: the member's facts and the tables are now remembered.
    expect((await offer(MEMBER)).status).toBe(403);
    const { rows } = await copy.service.pool.query<{ gid: number }>(
      'SELECT gid FROM res_groups_users_rel WHERE uid = $1 EXCEPT SELECT gid FROM res_groups_users_rel WHERE uid = $2', [COACH, MEMBER]);
    const added = rows.map((r) => r.gid);
    expect(added.length).toBeGreaterThan(0);
    await changedAndAnnounced('INSERT INTO res_groups_users_rel (gid, uid) SELECT unnest($1::int[]), $2', [added, MEMBER]);
    try {
      const granted = await offer(MEMBER);
      expect(granted.status).toBe(201);
      expect(granted.body.coachId).toBe(MEMBER);
    } finally {
      await changedAndAnnounced('DELETE FROM res_groups_users_rel WHERE uid = $1 AND gid = ANY($2::int[])', [MEMBER, added]);
    }
    expect((await offer(MEMBER)).status).toBe(403);
  });

  it('a new global record rule hides a readable order at once, and its removal shows it again', async () => {
    const created = await call(MEMBER, 'POST', '/trade/service-orders', { serviceId: 8 });
    expect(created.status).toBe(201);
    const path = `/trade/service-orders/${created.body.id}`;
    expect((await call(MEMBER, 'GET', path)).status).toBe(200);
    const rows = await changedAndAnnounced<{ id: number }>(
      `INSERT INTO ir_rule (id, name, model_id, domain_force, active, perm_read, perm_write, perm_create, perm_unlink)
       SELECT (SELECT max(id) + 1 FROM ir_rule), 'nothing readable', id, '[(0, ''='', 1)]', true, true, true, true, true FROM ir_model WHERE model = 'hp.service.order'
       RETURNING id`);
    try {
      expect((await call(MEMBER, 'GET', path)).status).toBe(404);
    } finally {
      await changedAndAnnounced('DELETE FROM ir_rule WHERE id = $1', [rows[0]!.id]);
    }
    expect((await call(MEMBER, 'GET', path)).status).toBe(200);
  });

  it("a write of a user or their partner outside the facts read (write_date, as every sync of them) does not void the caches", async () => {
    let announcements = 0;
    const unsubscribe = feed.onChange(() => announcements++);
    try {
      await copy.service.pool.query(`UPDATE res_users SET write_date = now() at time zone 'UTC' WHERE id = $1`, [MEMBER]);
      await copy.service.pool.query(`UPDATE res_partner SET write_date = now() at time zone 'UTC' WHERE id = (SELECT partner_id FROM res_users WHERE id = $1)`, [MEMBER]);
      // Then a statement that is announced (a statement trigger fires even for no row): notifications
      // arrive in commit order, so once it has, theirs would have too.
      await changedAndAnnounced('UPDATE ir_rule SET name = name WHERE false');
    } finally {
      unsubscribe();
    }
    expect(announcements).toBe(1);
  });
});

describe('a lost listening connection', () => {
  it('falls back to the short TTL while deaf, then listens again and is told of changes again', async () => {
    await copy.service.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ficus_access_listen' AND datname = current_database()`);
    // Waits for the states, not for a time: deaf first, then live again (backoff from 50 ms).
    for (let i = 0; i < 400 && feed.live; i++) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 400 && !feed.live; i++) await new Promise((r) => setTimeout(r, 25));
    expect(feed.live).toBe(true);
    expect((await offer(MEMBER)).status).toBe(403);
    const { rows } = await copy.service.pool.query<{ gid: number }>(
      'SELECT gid FROM res_groups_users_rel WHERE uid = $1 EXCEPT SELECT gid FROM res_groups_users_rel WHERE uid = $2', [COACH, MEMBER]);
    const added = rows.map((r) => r.gid);
    await changedAndAnnounced('INSERT INTO res_groups_users_rel (gid, uid) SELECT unnest($1::int[]), $2', [added, MEMBER]);
    try {
      expect((await offer(MEMBER)).status).toBe(201);
    } finally {
      await changedAndAnnounced('DELETE FROM res_groups_users_rel WHERE uid = $1 AND gid = ANY($2::int[])', [MEMBER, added]);
    }
  });
});

describe('shutdown', () => {
  it("closes the listening connection with the service: no backend of it is left", async () => {
    const other = await serveForTest(trade, copy.service.url);
    const listeners = async () =>
      (await copy.service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'ficus_access_listen' AND datname = current_database()`)).rows[0]!.n;
    expect(await listeners()).toBe(2);
    await other.stop();
    // The backend ends after the client's socket closes: wait for that, not for a time.
    let left = await listeners();
    for (let i = 0; i < 200 && left !== 1; i++) {
      await new Promise((r) => setTimeout(r, 25));
      left = await listeners();
    }
    expect(left).toBe(1);
  });
});
