import { connectorDatabase, registerPostgresConnector, type PostgresConnectorOptions } from '../../../cdc/distributed/connector.ts';

export const EVENTS_TOPIC_PREFIX = 'ficus.events.';

export function eventTopic(type: string): string {
  return `${EVENTS_TOPIC_PREFIX}${type}`;
}

/**
 * A Debezium PostgreSQL connector on one service database that captures only its `outbox`
 * table and turns each row into a Kafka message with Debezium's outbox event router: topic
 * `ficus.events.<type>`, key = aggregate id (per-aggregate order), value = the CloudEvent.
 * The publication is created by Ficus (FOR TABLE outbox only; see cdc/distributed/connector.ts).
 */
export function outboxConnectorOptions(service: string, databaseUrl: string): PostgresConnectorOptions {
  return {
    name: `ficus-outbox-${service}`,
    database: connectorDatabase(databaseUrl),
    slotName: `ficus_outbox_${service}`,
    publicationName: `ficus_outbox_${service}`,
    publicationAutocreate: 'disabled',
    tableIncludeList: ['public.outbox'],
    topicPrefix: `ficus.outbox.${service}`,
    // initial: rows written before the connector existed are relayed too; consumers dedupe.
    snapshotMode: 'initial',
    heartbeatIntervalMs: 10_000,
    extra: {
      // xid8 is only for the embedded reader; Debezium has no mapping for it.
      'column.exclude.list': 'public\\.outbox\\.tx_id',
      transforms: 'outbox',
      'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
      'transforms.outbox.table.field.event.id': 'id',
      'transforms.outbox.table.field.event.key': 'aggregate_id',
      'transforms.outbox.table.field.event.payload': 'payload',
      'transforms.outbox.route.by.field': 'type',
      'transforms.outbox.route.topic.replacement': `${EVENTS_TOPIC_PREFIX}\${routedByValue}`,
      'transforms.outbox.table.fields.additional.placement': 'type:header:ce_type',
      // The outbox is append-only; an update or delete would be a bug worth failing loudly on.
      'transforms.outbox.table.op.invalid.behavior': 'error',
      'transforms.outbox.route.tombstone.on.empty.payload': 'false',
    },
  };
}

/**
 * Instances of one service starting together each register the same connector: Kafka Connect
 * answers the later PUT 409 (a rebalance in progress) or 500 ("scheduled for shutdown") while it
 * applies the first. The config is the same, so trying again shortly is all it takes.
 */
export async function registerOutboxConnector(connectUrl: string, service: string, databaseUrl: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await registerPostgresConnector(connectUrl, outboxConnectorOptions(service, databaseUrl));
      return;
    } catch (error) {
      if (attempt >= 10 || !/: HTTP (409|500) /.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}
