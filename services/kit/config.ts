/**
 * The kit's settings, read from the environment. They belong in runtime/settings.ts (the one
 * settings table the README prints); they live here until the lead moves them.
 */
export interface KitConfig {
  /** `embedded` (PostgreSQL outbox poller) or `kafka` (Debezium outbox router + kafkajs). */
  bus: 'embedded' | 'kafka';
  kafkaBrokers: string[];
  kafkaConnectUrl: string | undefined;
  redisUrl: string | undefined;
  /** Distributed: the auth service's JWKS, for verifying bearer tokens locally. */
  jwksUrl: string | undefined;
  /** Distributed: `FICUS_SERVICE_DB_<NAME>` per service. */
  databaseUrl(service: string): string | undefined;
  servicePort: number;
  serviceHost: string;
  /**
   * The monolith's database (`LEGACY_DATABASE_URL`, the setting `ficus start` uses too), for a
   * service's side effects across the cut while other modules are still the monolith's.
   */
  legacyDatabaseUrl: string | undefined;
}

export class KitConfigError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`invalid setting ${setting}: ${message}`);
    this.name = 'KitConfigError';
  }
}

export function loadKitConfig(env: NodeJS.ProcessEnv = process.env): KitConfig {
  const bus = env.FICUS_BUS ?? 'embedded';
  if (bus !== 'embedded' && bus !== 'kafka') throw new KitConfigError('FICUS_BUS', `${JSON.stringify(bus)} is not embedded or kafka`);
  const kafkaBrokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (bus === 'kafka' && !kafkaBrokers.length) throw new KitConfigError('KAFKA_BROKERS', 'FICUS_BUS=kafka needs the broker list (host:port,...)');
  if (bus === 'kafka' && !env.KAFKA_CONNECT_URL) throw new KitConfigError('KAFKA_CONNECT_URL', 'FICUS_BUS=kafka needs Kafka Connect (Debezium) to relay outboxes');
  const port = Number(env.FICUS_SERVICE_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new KitConfigError('FICUS_SERVICE_PORT', `${env.FICUS_SERVICE_PORT} is not a port`);
  return {
    bus,
    kafkaBrokers,
    kafkaConnectUrl: env.KAFKA_CONNECT_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    jwksUrl: env.FICUS_JWKS_URL || undefined,
    databaseUrl: (service) => env[`FICUS_SERVICE_DB_${service.toUpperCase()}`] || undefined,
    servicePort: port,
    serviceHost: env.FICUS_SERVICE_HOST ?? '127.0.0.1',
    legacyDatabaseUrl: env.LEGACY_DATABASE_URL || undefined,
  };
}
