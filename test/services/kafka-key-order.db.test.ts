// Over real Kafka + Debezium: the consumer handles partitions side by side and splits each chunk
// by key into concurrent transactions; the Bus still promises that events with the same key are
// handled in the order published. This checks both halves: handling really overlaps, and no key
// ever sees its events out of order.
import { Registry } from 'prom-client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { ServiceBus } from '../../services/kit/bus/service-bus.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../services/kit/db/database.ts';
import type { NewEvent } from '../../services/kit/events/cloudevent.ts';
import { kitMetrics } from '../../services/kit/observability/kit-metrics.ts';
import { EFFECTS_MIGRATION } from './support/effects-migration.ts';
import { javaMissing, startKafkaBus, type KafkaBusStack } from './support/kafka-bus.ts';

const KEYS = 24;
const TOTAL = 6_000;
const PER_TX = 40;
const logger = createLogger({ level: 'warn', format: 'json' });

describe.skipIf(javaMissing('kafka key order'))('Kafka bus: per-key order with concurrent handling', () => {
  let kafka: KafkaBusStack;
  let publisher: ServiceDatabase<any>;
  let consumer: ServiceDatabase<any>;

  beforeAll(async () => {
    kafka = await startKafkaBus({ publisher: 'ko_ai', consumer: 'ko_dynamic' }, logger);
    // Not 'user': the outbox slot is named after the publishing service, slots are per cluster, and
    // exactly-once.db.test.ts publishes as 'user' beside this file.
    publisher = await openServiceDatabase({ url: kafka.publisherDb.url, service: 'ai', logger, migrations: [] });
    consumer = await openServiceDatabase({ url: kafka.consumerDb.url, service: 'dynamic', logger, migrations: [EFFECTS_MIGRATION] });
  }, 400_000);
  afterAll(async () => {
    await kafka?.stop(consumer, publisher);
  }, 120_000);

  it(`${TOTAL} events over ${KEYS} keys: each key in published order, handlers overlapping`, async () => {
    const metrics = kitMetrics(new Registry());
    const pubBus = new ServiceBus({ service: 'ai', database: publisher, publishes: ['health_action_recorded'], transport: kafka.transport, logger, metrics });
    const subBus = new ServiceBus({ service: 'dynamic', database: consumer, publishes: [], transport: kafka.transport, logger, metrics });
    const seen = new Map<string, number[]>();
    let handled = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    subBus.subscribe('health_action_recorded', 'dynamic', async (event, { db }) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await sql`INSERT INTO effects (event_id, record_id) VALUES (${event.id}, ${event.data.recordId})`.execute(db);
        // Some handlers take longer, so a key whose events sat behind a slow one would overtake it if order were lost.
        if (event.data.recordId % 13 === 0) await new Promise((r) => setTimeout(r, 3));
      } finally {
        inFlight--;
      }
      const key = event.subject!.split('/')[0]!;
      (seen.get(key) ?? seen.set(key, []).get(key)!).push(event.data.value);
      handled++;
    });
    await pubBus.startPublishing();
    await subBus.startConsuming();
    try {
      const next = new Map<number, number>();
      for (let from = 0; from < TOTAL; from += PER_TX) {
        const events: NewEvent[] = Array.from({ length: PER_TX }, (_, i) => {
          const n = from + i;
          const key = (n * 7) % KEYS;
          const seq = next.get(key) ?? 0;
          next.set(key, seq + 1);
          return {
            type: 'health_action_recorded',
            subject: `key-${key}/${seq}`,
            key: `key-${key}`,
            data: { recordId: n + 1, userId: 6, recordType: 'steps', value: seq, unit: 'steps', measuredAt: new Date().toISOString(), source: 'device' },
          };
        });
        await publisher.db.transaction().execute((tx) => pubBus.publishMany(tx, events));
      }
      const deadline = Date.now() + 240_000;
      while (handled < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(handled).toBe(TOTAL);
      expect(seen.size).toBe(KEYS);
      for (const [key, values] of seen) {
        expect({ key, values }).toEqual({ key, values: Array.from({ length: next.get(Number(key.slice(4)))! }, (_, i) => i) });
      }
      expect(maxInFlight).toBeGreaterThan(1);
    } finally {
      await subBus.stop();
      await pubBus.stop();
    }
  }, 400_000);
});
