import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the kit's own tables (db/kit-migrations.ts), present in every service database. */
export interface KitTables {
  outbox: {
    seq: Generated<string>;
    id: string;
    tx_id: Generated<string>;
    type: string;
    aggregate_id: string;
    payload: ColumnType<unknown, string, string>;
    created_at: Generated<Date>;
  };
  inbox: {
    consumer_group: string;
    event_id: string;
    event_type: string;
    outcome: Generated<'handled' | 'dead_lettered'>;
    handled_at: Generated<Date>;
  };
  dead_letters: {
    id: Generated<string>;
    consumer_group: string;
    event_id: string | null;
    event_type: string | null;
    source: string | null;
    payload: string;
    reason: string;
    attempts: number;
    failed_at: Generated<Date>;
  };
  saga_instances: {
    id: Generated<number>;
    saga: string;
    key: string;
    status: 'running' | 'compensating' | 'completed' | 'compensated' | 'failed';
    step: number;
    input: ColumnType<unknown, string, string>;
    outputs: ColumnType<Record<string, unknown>, string, string>;
    failure: string | null;
    traceparent: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
}
