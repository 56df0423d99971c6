import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { createServiceEngine, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import { HealthReadAudit } from '../../../services/user/domain/health-read-audit.ts';
import user from '../../../services/user/index.ts';
import { startHealthDataStack, type HealthDataStack } from './health-data-stack.ts';

const MEMBER = 6;
const OTHER = 7;
const COACH = 246;

/** Values no audit row may show: distinctive enough that finding one anywhere in a row means it leaked. */
const SECRET_VALUES = [173.25, 96.125, 41.875];

let stack: HealthDataStack;
const svc = () => stack.service.pool;
const get = (uid: number, path: string) => stack.call('GET', path, stack.token(uid));

beforeAll(async () => {
  stack = await startHealthDataStack({ owner: 'service' });
}, 180_000);
afterAll(async () => stack?.stop());

beforeEach(async () => {
  await svc().query('DELETE FROM health_records WHERE user_id = ANY($1)', [[MEMBER, OTHER]]);
  await svc().query(
    `INSERT INTO health_records (user_id, record_type, value, value2, unit, measured_at, source, note)
     VALUES ($1, 'blood_pressure', $3, $4, 'mmHg', '2026-11-20 08:00', 'manual', 'felt dizzy'),
            ($1, 'weight', $5, NULL, 'kg', '2026-11-21 08:00', 'manual', NULL),
            ($2, 'weight', 88.5, NULL, 'kg', '2026-11-21 09:00', 'manual', NULL)`,
    [MEMBER, OTHER, ...SECRET_VALUES],
  );
  await svc().query('TRUNCATE health_read_audit');
});

const auditRows = async () => (await svc().query('SELECT * FROM health_read_audit ORDER BY id')).rows;

describe('the health-data read audit', () => {
  it('keeps who, whose, which model, what kind of query, when and how — and no column that could hold a value', async () => {
    const { rows } = await svc().query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'health_read_audit' ORDER BY ordinal_position");
    expect(rows.map((r) => r.column_name)).toEqual(['id', 'read_at', 'actor_uid', 'subject_uids', 'model', 'query_kind', 'protocol', 'outcome', 'row_count', 'request_id']);
  });

  it('writes a row for every REST read before the answer leaves, refused ones included; never a value or a note', async () => {
    const before = Date.now();
    expect((await get(MEMBER, `/users/${MEMBER}/health-data`)).status).toBe(200);
    // No waiting: the answer is only sent once its audit row is committed.
    let rows = await auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_uid: MEMBER, subject_uids: [MEMBER], model: 'hp.health.record', query_kind: 'raw', protocol: 'rest', outcome: 'granted', row_count: null });
    expect(rows[0].request_id).toEqual(expect.any(String));
    expect(new Date(rows[0].read_at).getTime()).toBeGreaterThanOrEqual(before - 1000);

    expect((await get(COACH, `/users/${MEMBER}/health-data?aggregate=week&type=weight&from=2026-11-01`)).status).toBe(200);
    expect((await get(MEMBER, `/users/${OTHER}/health-data?aggregate=day`)).status).toBe(403);
    rows = await auditRows();
    expect(rows.slice(1).map((r) => [r.actor_uid, r.subject_uids, r.query_kind, r.outcome, r.row_count])).toEqual([
      [COACH, [MEMBER], 'aggregate:week', 'granted', null],
      [MEMBER, [OTHER], 'aggregate:day', 'refused', null],
    ]);
    const text = JSON.stringify(rows);
    for (const value of [...SECRET_VALUES, 88.5]) expect(text).not.toContain(String(value));
    expect(text).not.toContain('dizzy');
    expect(text).not.toContain('2026-11-01');
  });

  it('every one of concurrent REST reads is audited once', async () => {
    const reads = await Promise.all(Array.from({ length: 40 }, (_, i) => get(i % 2 ? COACH : MEMBER, `/users/${MEMBER}/health-data?aggregate=day`)));
    expect(reads.every((r) => r.status === 200)).toBe(true);
    const rows = await auditRows();
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(40);
  });

  it('group commit: entries recorded while a batch is written go together in the next one, each promise resolving once committed', async () => {
    const audit = new HealthReadAudit(new Kysely<any>({ dialect: new PostgresDialect({ pool: svc() }) }));
    const entry = (i: number) => ({ actorUid: COACH, subjectUids: [MEMBER], model: 'hp.health.record' as const, queryKind: 'raw', protocol: 'fhir' as const, outcome: 'granted' as const, requestId: `r${i}` });
    const written = Array.from({ length: 120 }, (_, i) => audit.record(entry(i)));
    await Promise.all(written);
    const { rows } = await svc().query<{ batches: number; n: number }>("SELECT count(DISTINCT xmin::text)::int AS batches, count(*)::int AS n FROM health_read_audit WHERE protocol = 'fhir'");
    // The first entry is written alone (nothing was queued yet); the 119 queued meanwhile share one INSERT.
    expect(rows[0]).toEqual({ batches: 2, n: 120 });
    await audit.drained();
  });

  it('a failed audit write fails the reads waiting on it (never answered unaudited)', async () => {
    const audit = new HealthReadAudit(new Kysely<any>({ dialect: new PostgresDialect({ pool: svc() }) }));
    await expect(audit.record({ actorUid: COACH, model: 'hp.health.record', queryKind: 'raw', protocol: 'carrier-pigeon' as never, outcome: 'granted' })).rejects.toThrow(/check constraint/);
  });
});

describe('Odoo RPC reads of M02 after cutover (the service engine\'s call observer)', () => {
  const logger = createLogger({ level: 'silent', format: 'json' });
  let call: (uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>, transport?: 'jsonrpc' | 'xmlrpc' | 'web') => Promise<unknown>;
  beforeAll(() => {
    const engine = createServiceEngine(user as ServiceWithOdooFace, { name: 'hp_legacy', pool: svc(), logger });
    call = (uid, model, method, args, kwargs = {}, transport) => engine.call({ database: 'hp_legacy', uid, model, method, args, kwargs, ...(transport ? { transport } : {}) });
  });

  it('audits reads with their protocol and whose rows they returned; metadata calls and other models are not audited', async () => {
    const mine = (await call(MEMBER, 'hp.health.record', 'search_read', [[]], { fields: ['value', 'record_type'] }, 'jsonrpc')) as { id: number }[];
    expect(mine).toHaveLength(2);
    const ids = ((await svc().query('SELECT id FROM health_records WHERE user_id = ANY($1) ORDER BY id', [[MEMBER, OTHER]])).rows as { id: number }[]).map((r) => r.id);
    await call(COACH, 'hp.health.record', 'read', [ids, ['value']], {}, 'xmlrpc');
    await call(COACH, 'hp.health.record', 'read_group', [[], ['value:avg'], ['record_type']], {}, 'web');
    const goals = await call(MEMBER, 'hp.health.goal', 'search_count', [[]], {}, 'jsonrpc');
    expect(goals).toBe(Number((await svc().query('SELECT count(*) AS n FROM health_goals WHERE user_id = $1', [MEMBER])).rows[0].n));
    await call(MEMBER, 'hp.health.record', 'fields_get', [], { attributes: ['type'] }, 'jsonrpc');
    await call(MEMBER, 'res.partner', 'search_read', [[['id', '=', 1]]], { fields: ['name'] }, 'jsonrpc');
    const rows = await auditRows();
    expect(rows.map((r) => [r.actor_uid, r.subject_uids, r.model, r.query_kind, r.protocol, r.outcome, r.row_count])).toEqual([
      [MEMBER, [MEMBER], 'hp.health.record', 'search_read', 'jsonrpc', 'granted', 2],
      [COACH, [MEMBER, OTHER], 'hp.health.record', 'read', 'xmlrpc', 'granted', 3],
      [COACH, null, 'hp.health.record', 'read_group', 'web', 'granted', null],
      [MEMBER, null, 'hp.health.goal', 'search_count', 'jsonrpc', 'granted', goals],
    ]);
    const text = JSON.stringify(rows);
    for (const value of SECRET_VALUES) expect(text).not.toContain(String(value));
  });

  it('a read the engine refuses is not answered and leaves no granted row; a call made inside Ficus is audited as internal', async () => {
    const other = (await svc().query('SELECT id FROM health_records WHERE user_id = $1', [OTHER])).rows[0].id as number;
    await expect(call(MEMBER, 'hp.health.record', 'read', [[other], ['value']], {}, 'jsonrpc')).rejects.toMatchObject({ name: expect.any(String) });
    await call(MEMBER, 'hp.health.record', 'search', [[]]);
    expect((await auditRows()).map((r) => [r.query_kind, r.protocol, r.subject_uids])).toEqual([['search', 'internal', [MEMBER]]]);
  });
});
