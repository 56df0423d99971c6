import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations, MigrationError, type Migration } from '../../services/kit/db/migrations.ts';
import { EVENT_TYPES } from '../../services/kit/events/event-types.ts';
import { toCloudEvent, InvalidEventError } from '../../services/kit/events/cloudevent.ts';
import { assertValidEvent } from '../../services/kit/events/validate-event.ts';
import { SCHEMAS_DIR } from '../../services/kit/schema-registry.ts';
import { continueTrace, formatTraceparent } from '../../platform/trace-context.ts';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';

describe('forward-only migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await emptyDatabase('migrations');
  });
  afterAll(async () => database?.drop());

  const first: Migration = { id: '0001_a', sql: 'CREATE TABLE a (id int)' };
  const second: Migration = { id: '0002_b', sql: 'CREATE TABLE b (id int)' };

  it('applies what is missing, once, in order', async () => {
    expect(await runMigrations(database.pool, [first])).toEqual({ applied: ['0001_a'] });
    expect(await runMigrations(database.pool, [first, second])).toEqual({ applied: ['0002_b'] });
    expect(await runMigrations(database.pool, [first, second])).toEqual({ applied: [] });
    const { rows } = await database.pool.query('SELECT id FROM ficus_migrations ORDER BY position');
    expect(rows.map((r) => r.id)).toEqual(['0001_a', '0002_b']);
  });

  it('refuses to start when an applied migration changed, vanished, or a new one was slotted in before', async () => {
    await expect(runMigrations(database.pool, [{ ...first, sql: 'CREATE TABLE a (id bigint)' }, second])).rejects.toThrow(/0001_a was changed after it was applied/);
    await expect(runMigrations(database.pool, [first])).rejects.toThrow(/0002_b, which this code does not know/);
    await expect(runMigrations(database.pool, [first, { id: '0001_5', sql: 'SELECT 1' }, second])).rejects.toBeInstanceOf(MigrationError);
  });

  it('a failing migration leaves nothing behind', async () => {
    await expect(runMigrations(database.pool, [first, second, { id: '0003_bad', sql: 'CREATE TABLE c (id int); SELECT nonsense' }])).rejects.toThrow(/0003_bad failed/);
    const { rowCount } = await database.pool.query(`SELECT 1 FROM pg_tables WHERE tablename = 'c'`);
    expect(rowCount).toBe(0);
  });
});

describe('domain event schemas', () => {
  it('one schema file per event type, and the TypeScript list matches it', () => {
    const files = readdirSync(path.join(SCHEMAS_DIR, 'events')).filter((f) => f !== 'cloudevent.json').map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('accepts a valid CloudEvent and names every violation of an invalid one', () => {
    const trace = formatTraceparent(continueTrace(undefined));
    const event = toCloudEvent('trade', {
      type: 'service_completed',
      subject: 'hp.service.order/9',
      data: { orderId: 9, customerId: 6, healthWorkerId: 246, amount: '299.00', currency: 'CNY', completedAt: '2026-11-20T10:00:00Z' },
    }, trace);
    expect(() => assertValidEvent(event)).not.toThrow();
    expect(event).toMatchObject({ specversion: '1.0', source: '/ficus/trade', datacontenttype: 'application/json', traceparent: trace });
    const bad = { ...event, data: { ...event.data, amount: 299, extra: true } };
    expect(() => assertValidEvent(bad)).toThrow(InvalidEventError);
    try {
      assertValidEvent(bad);
    } catch (error) {
      expect((error as InvalidEventError).violations.map((v) => v.pointer).sort()).toEqual(['/data/amount', '/data/extra']);
    }
    expect(() => assertValidEvent({ ...event, type: 'no_such_event' })).toThrow(/not a known event type/);
  });

  it('traceparent: a valid one is continued with a new span, an invalid one starts a new trace', () => {
    const given = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const continued = continueTrace(given);
    expect(continued.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(continued.spanId).not.toBe('b7ad6b7169203331');
    expect(continueTrace('00-00000000000000000000000000000000-b7ad6b7169203331-01').traceId).not.toBe('0'.repeat(32));
    expect(formatTraceparent(continueTrace('garbage'))).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
