/**
 * Every setting Ficus reads, in one table: environment variable, config-file key, type,
 * default and meaning. The README's configuration table is printed from this list
 * (`ficus config --markdown`), so the two cannot drift apart.
 */
export type SettingType = 'port' | 'path' | 'url' | 'string' | 'enum' | 'duration-ms' | 'integer' | 'time-of-day';

export interface SettingSpec {
  key: string;
  env: string;
  type: SettingType;
  default?: string | number;
  values?: readonly string[];
  /** Paths that must exist, unless the predicate says the setting is unused. */
  mustExist?: boolean;
  description: string;
}

export const SETTINGS = [
  { key: 'dataDir', env: 'FICUS_DATA_DIR', type: 'path', default: '.ficus', description: 'Where embedded PostgreSQL keeps its data (kept between runs). As root the server runs as user `postgres`, which gets this folder.' },
  { key: 'postgresPort', env: 'FICUS_PG_PORT', type: 'port', default: 54329, description: 'Port of the embedded PostgreSQL (not 5432, so it never clashes with a system server).' },
  { key: 'gatewayPort', env: 'FICUS_PORT', type: 'port', default: 8069, description: "Port of the gateway: Odoo's RPC APIs, REST, `/healthz`, `/readyz`, `/metrics`." },
  { key: 'gatewayHost', env: 'FICUS_HOST', type: 'string', default: '127.0.0.1', description: 'Address the gateway listens on (`0.0.0.0` for every interface).' },
  { key: 'legacyDatabaseUrl', env: 'LEGACY_DATABASE_URL', type: 'url', description: "An existing Odoo database to serve instead of the embedded copy. Ficus never changes its schema except for CDC's publication and replication slot, and one function with four triggers on `res_users` and `res_users_apikeys` that NOTIFY the gateway when a user's credentials change (so an accepted RPC secret is not read again on every call)." },
  { key: 'legacyDumpPath', env: 'FICUS_LEGACY_DUMP', type: 'path', default: 'fixtures/hp_legacy.sql.gz', mustExist: true, description: 'Plain-SQL gzip dump restored into database `legacy` on the first embedded start.' },
  { key: 'legacyFilestoreArchive', env: 'FICUS_LEGACY_FILESTORE', type: 'path', default: 'fixtures/hp_legacy_filestore.tar.gz', description: "Odoo filestore archive (attachments: avatars, images) unpacked next to the embedded database on the first start." },
  { key: 'filestoreDir', env: 'FICUS_FILESTORE_DIR', type: 'path', description: "The Odoo filestore folder of LEGACY_DATABASE_URL's database (`<data_dir>/filestore/<db>`), for binary fields kept as attachments." },
  { key: 'legacyDatabaseName', env: 'FICUS_LEGACY_DB', type: 'string', default: 'legacy', description: 'Name of the embedded legacy database.' },
  { key: 'odooDatabaseName', env: 'FICUS_ODOO_DB', type: 'string', default: 'hp_legacy', description: 'The database name Odoo clients use for the legacy database (`db` argument, `db.list`).' },
  { key: 'legacyOdooUrl', env: 'LEGACY_ODOO_URL', type: 'url', description: 'A running Odoo to proxy legacy-phase calls to (instead of answering them from the tables).' },
  { key: 'upstreamTimeoutMs', env: 'LEGACY_ODOO_TIMEOUT_MS', type: 'duration-ms', default: 30000, description: 'How long a call proxied to LEGACY_ODOO_URL may take before the client gets an error.' },
  { key: 'readOffloadDatabases', env: 'FICUS_READ_OFFLOAD', type: 'string', description: "Databases (as clients name them, comma-separated) whose legacy-phase reads Ficus may answer itself in front of LEGACY_ODOO_URL, per class of call, once verified equal to Odoo's answers (README, \"Read offload\"). Unset: off; every legacy-phase call goes to Odoo." },
  { key: 'offloadMinSamples', env: 'FICUS_OFFLOAD_MIN_SAMPLES', type: 'integer', default: 200, description: "Comparisons equal to Odoo's answer (and not one difference) before Ficus answers a class of read itself." },
  { key: 'offloadVerifyOneIn', env: 'FICUS_OFFLOAD_VERIFY_ONE_IN', type: 'integer', default: 100, description: "After promotion, one answer in this many is also asked of Odoo and compared (100: 1 %); the first difference sends the class back to Odoo." },
  { key: 'sessionMaxInactivitySeconds', env: 'FICUS_SESSION_MAX_INACTIVITY_S', type: 'integer', default: 604800, description: "Web sessions expire after this many seconds without use (Odoo's default: one week)." },
  { key: 'gatewayMaxConcurrentCalls', env: 'FICUS_GATEWAY_MAX_CALLS', type: 'integer', default: 16, description: 'Odoo model calls the gateway answers at once per database; the rest wait in order. Sized for the 20-connection legacy pool (4 left for shadow comparisons and logins); writes held by a cutover freeze do not count.' },
  { key: 'gatewayProcesses', env: 'FICUS_GATEWAY_PROCESSES', type: 'integer', default: 1, description: 'Gateway processes answering on FICUS_PORT (node:cluster; new connections are handed out in turn). More than 1 lets every core answer Odoo calls; web sessions, module phases, freezes, the login cooldown and `/metrics` span all of them, service REST takes one loopback hop to the main process, and FICUS_GATEWAY_MAX_CALLS and the 20-connection legacy pool apply to each.' },
  { key: 'gatewayMaxQueuedCalls', env: 'FICUS_GATEWAY_MAX_QUEUED', type: 'integer', default: 512, description: 'Model calls that may wait for a turn per database; one more is refused at once with 503 Service Unavailable (an Odoo error on JSON-RPC, a fault on XML-RPC).' },
  { key: 'freezeGraceMs', env: 'FICUS_FREEZE_GRACE_MS', type: 'duration-ms', default: 250, description: "How long a cutover or rollback freeze lets a module's writes in flight finish before it cancels the ones not yet committing (rolled back, held, and run once after the flip by the new owner): the freeze then lasts about this plus the sync drain, however slow a write is." },
  { key: 'redisUrl', env: 'REDIS_URL', type: 'url', description: 'Redis for sessions and cache; without it both live in PostgreSQL / memory.' },
  { key: 'reconcileAt', env: 'FICUS_RECONCILE_AT', type: 'time-of-day', default: '03:00', description: 'Time of day (UTC, `HH:MM`) of the daily reconciliation of every module that has a service copy.' },
  { key: 'logLevel', env: 'LOG_LEVEL', type: 'enum', default: 'info', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], description: 'Log level.' },
  { key: 'logFormat', env: 'LOG_FORMAT', type: 'enum', default: 'auto', values: ['auto', 'json', 'pretty'], description: '`json` lines, `pretty` for a terminal, `auto` picks pretty on a TTY.' },
  { key: 'shutdownTimeoutMs', env: 'FICUS_SHUTDOWN_TIMEOUT_MS', type: 'duration-ms', default: 8000, description: 'How long a graceful shutdown waits for requests in flight before closing them.' },
] as const satisfies readonly SettingSpec[];

type SettingKey = (typeof SETTINGS)[number]['key'];
type ValueOf<T extends SettingType> = T extends 'port' | 'duration-ms' | 'integer' ? number : string;
type Spec<K extends SettingKey> = Extract<(typeof SETTINGS)[number], { key: K }>;

/** The validated configuration: settings with a default are always present. */
export type FicusConfig = {
  [K in SettingKey]: Spec<K> extends { default: string | number }
    ? ValueOf<Spec<K>['type']>
    : ValueOf<Spec<K>['type']> | undefined;
};
