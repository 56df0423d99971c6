// A finance process for the exactly-once test: it consumes trade's service_completed events with
// finance's own subscriptions (points, settlement lines), the monolith configured beside it so the
// handler reads the owner rows as in production. The test SIGKILLs it at random and starts it again.
import pg from 'pg';
import { Registry } from 'prom-client';
import { createLogger } from '../../../platform/logger.ts';
import { FINANCE_MIGRATIONS } from '../../../services/finance/db/migrations.ts';
import { FINANCE_PUBLISHES, FINANCE_SUBSCRIPTIONS } from '../../../services/finance/events.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { ServiceBus } from '../../../services/kit/bus/service-bus.ts';
import { openServiceDatabase } from '../../../services/kit/db/database.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';

const logger = createLogger({ level: process.env.CHILD_LOG_LEVEL ?? 'warn', format: 'json' });
const metrics = kitMetrics(new Registry());
const database = await openServiceDatabase<any>({ url: process.env.CONSUMER_DB_URL!, service: 'finance', logger, migrations: FINANCE_MIGRATIONS });
const legacyPool = new pg.Pool({ connectionString: process.env.LEGACY_DB_URL!, max: 2 });
const transport = new EmbeddedTransport(logger, metrics);
await transport.addPublisher({ service: 'trade', url: process.env.SOURCE_DB_URL!, publishes: ['service_completed'] });
const bus = new ServiceBus({ service: 'finance', database, publishes: FINANCE_PUBLISHES, transport, logger, metrics, legacyPool });
for (const s of FINANCE_SUBSCRIPTIONS) bus.subscribe(s.type, s.group ?? 'finance', s.handler);
await bus.startConsuming();
process.stdout.write('ready\n');
