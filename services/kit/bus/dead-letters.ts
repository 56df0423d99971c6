import { sql, type Transaction } from 'kysely';
import type { KitTables } from '../db/kit-tables.ts';

/** An event a consumer group gave up on, and why. */
export interface DeadLetter {
  group: string;
  eventId: string | null;
  eventType: string | null;
  source: string;
  payload: string;
  reason: string;
  attempts: number;
}

/** Where dead letters go: a table (embedded) or a topic (Kafka). Called inside the consumer's transaction. */
export interface DeadLetterSink {
  record(trx: Transaction<KitTables>, letter: DeadLetter): Promise<void>;
}

export const deadLetterTable: DeadLetterSink = {
  async record(trx, letter) {
    await sql`INSERT INTO dead_letters (consumer_group, event_id, event_type, source, payload, reason, attempts)
      VALUES (${letter.group}, ${letter.eventId}, ${letter.eventType}, ${letter.source}, ${letter.payload}, ${letter.reason}, ${letter.attempts})`.execute(trx);
  },
};
