import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { GroupConsumer } from '../../services/kit/bus/consumer.ts';
import { deadLetterTable } from '../../services/kit/bus/dead-letters.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../services/kit/db/database.ts';
import { toCloudEvent, type CloudEvent } from '../../services/kit/events/cloudevent.ts';
import type { EventHandler } from '../../services/kit/bus/types.ts';
import type { EventType } from '../../services/kit/events/event-types.ts';
import { kitMetrics } from '../../services/kit/observability/kit-metrics.ts';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';
import { EFFECTS_MIGRATION } from './support/effects-migration.ts';

const logger = createLogger({ level: 'silent', format: 'json' });
let database: TestDatabase;
let service: ServiceDatabase<any>;

beforeAll(async () => {
  database = await emptyDatabase('consumer_retries');
  service = await openServiceDatabase({ url: database.url, service: 'dynamic', logger, migrations: [EFFECTS_MIGRATION] });
});
afterAll(async () => {
  await service?.close();
  await database?.drop();
});

function event(recordId: number): CloudEvent {
  return toCloudEvent('user', {
    type: 'health_action_recorded',
    subject: `hp.health.record/${recordId}`,
    data: { recordId, userId: 6, recordType: 'steps', value: 1, unit: 'steps', measuredAt: new Date().toISOString(), source: 'device' },
  }, undefined);
}

it('a batch with a failing handler: the others are handled once, a transient failure is retried, a permanent one and an invalid event are dead-lettered', async () => {
  const attempts = new Map<number, number>();
  const handler: EventHandler<'health_action_recorded', unknown> = async (e, { db }) => {
    const n = (attempts.get(e.data.recordId) ?? 0) + 1;
    attempts.set(e.data.recordId, n);
    await sql`INSERT INTO effects (event_id, record_id) VALUES (${e.id}, ${e.data.recordId})`.execute(db);
    if (e.data.recordId === 3) throw new Error('always fails');
    if (e.data.recordId === 5 && n === 1) throw new Error('fails once');
  };
  const consumer = new GroupConsumer({
    service: 'dynamic', group: 'dynamic', db: service.db, logger, metrics: kitMetrics(new Registry()),
    handlers: new Map([['health_action_recorded' as EventType, handler as EventHandler<EventType, unknown>]]),
    deadLetters: deadLetterTable, maxAttempts: 3, stopping: new AbortController().signal,
  });
  const events = [1, 2, 3, 4, 5, 6].map(event);
  const invalid = { ...event(7), data: { recordId: 'seven' } };
  const batch = [...events, invalid, events[0]!].map((raw) => ({ raw, source: 'user' }));

  await consumer.deliver(batch);
  await consumer.deliver(batch); // redelivered as a whole (a crash before the position moved): nothing happens twice

  const effects = await service.pool.query<{ record_id: number; n: number }>('SELECT record_id, count(*)::int AS n FROM effects GROUP BY record_id ORDER BY record_id');
  expect(effects.rows).toEqual([1, 2, 4, 5, 6].map((id) => ({ record_id: id, n: 1 })));
  const inbox = await service.pool.query<{ event_id: string; outcome: string }>('SELECT event_id, outcome FROM inbox ORDER BY event_id');
  expect(new Map(inbox.rows.map((r) => [r.event_id, r.outcome]))).toEqual(new Map([
    ...[0, 1, 3, 4, 5].map((i) => [events[i]!.id, 'handled'] as const),
    [events[2]!.id, 'dead_lettered'],
    [invalid.id, 'dead_lettered'],
  ]));
  const letters = await service.pool.query<{ event_id: string; attempts: number; reason: string }>('SELECT event_id, attempts, reason FROM dead_letters ORDER BY id');
  expect(letters.rows).toHaveLength(2);
  expect(letters.rows.find((l) => l.event_id === events[2]!.id)).toMatchObject({ attempts: 3, reason: expect.stringContaining('always fails') });
  expect(letters.rows.find((l) => l.event_id === invalid.id)).toMatchObject({ attempts: 1, reason: expect.stringContaining('invalid event') });
  expect(attempts.get(3)).toBe(3); // in the batch, then alone at attempts 1 and 2; at attempt 3 it is dead-lettered without running
});
