import type pg from 'pg';
import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import type { EcDatabase } from '../../../services/ec/db/tables.ts';
import ec from '../../../services/ec/index.ts';
import { createServiceEngine, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import { emptyDatabase } from '../../support/databases.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';

/** M10's tables, copied from a fresh monolith as a backfill would. */
export const AD_TABLES = ['ad_campaigns', 'ad_impressions'] as const;

// Seed users (hp_legacy): the administrator, a merchant, an operator, a member.
export const ADMIN = 2;
export const MERCHANT = 286;
export const OPERATOR = 302;
export const MEMBER = 6;

/**
 * One side of M10's cut, reached by both kinds of client on the same rows: REST (ec's runtime,
 * svc_ec's write-owner row for M10 saying `owner`) and Odoo RPC (`legacy`: the legacy side's
 * engine over the monolith's tables with ec's legacy behaviours, embedded mode; `service`: ec's
 * own engine over svc_ec, as the gateway answers M10 after cutover).
 */
export interface AdsSide {
  owner: ModuleOwner;
  stack: ServiceRestStack<EcDatabase>;
  /** The database holding ad_campaigns and ad_impressions on this side. */
  rows: pg.Pool;
  rpc(uid: number, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  rest(method: string, path: string, uid: number | null, body?: unknown, headers?: Record<string, string>): ReturnType<ServiceRestStack<EcDatabase>['call']>;
  /** A campaign inserted as Odoo would store it (CNY), in `state`; answers its id. */
  campaign(values: { budget: string | null; bidCpm: number | null; state?: string; spent?: string; name?: string; advertiserId?: number | null; startDate?: string | null }): Promise<number>;
  stop(): Promise<void>;
}

const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

export async function startAdsSide(owner: ModuleOwner, options: { rpc?: boolean } = {}): Promise<AdsSide> {
  let legacyRpc: CallHandler | undefined;
  const stack = await startServiceRestStack<EcDatabase>({
    definition: ec, tables: AD_TABLES, owner,
    odoo: (call) => legacyRpc!({ database: 'hp_legacy', uid: call.uid, model: call.model, method: call.method, args: call.args, kwargs: call.kwargs ?? {} }),
  });
  let runtime: MigrationRuntime | undefined;
  let control: Awaited<ReturnType<typeof emptyDatabase>> | undefined;
  let handler: CallHandler = async () => {
    throw new Error('this side was started without RPC');
  };
  if (options.rpc !== false) {
    control = await emptyDatabase('control');
    const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: stack.legacy.url, serviceUrls: { ec: stack.service.url } });
    runtime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: stack.legacy.pool, logger: quietLogger(), metrics: createMetricsRegistry(), runSync: false });
    legacyRpc = runtime.handlerFor({ name: 'hp_legacy', pool: stack.legacy.pool });
    handler = legacyRpc;
    if (owner === 'service') {
      const engine = createServiceEngine(ec as ServiceWithOdooFace, {
        name: 'hp_legacy', pool: stack.service.pool, logger: quietLogger(),
        callModel: (ctx, model, method, args, kwargs = {}) => legacyRpc!({ database: 'hp_legacy', uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context } }),
      });
      handler = (call) => engine.call(call);
    }
  }
  const rows = stack.home(owner);
  let seq = 0;
  return {
    owner,
    stack,
    rows,
    rpc: (uid, model, method, args, kwargs = {}) => handler({ database: 'hp_legacy', uid, model, method, args, kwargs }),
    rest: (method, path, uid, body, headers) => stack.call(method, path, uid === null ? null : stack.token(uid), body, headers),
    async campaign(values) {
      const { rows: inserted } = await rows.query<{ id: number }>(
        `INSERT INTO ad_campaigns (name, advertiser_id, currency_id, state, budget, spent, bid_cpm, start_date, create_uid, write_uid, create_date, write_date)
         VALUES ($1, $2, 6, $3, $4, $5, $6, $7, 2, 2, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
        [values.name ?? `Test campaign ${owner} ${++seq}`, values.advertiserId ?? null, values.state ?? 'running', values.budget, values.spent ?? '0.00', values.bidCpm, values.startDate ?? null],
      );
      return inserted[0]!.id;
    },
    async stop() {
      await runtime?.stop();
      await control?.drop();
      await stack.stop();
    },
  };
}

/** An Odoo error as a client sees it: its class and message. */
export async function odooErrorOf(work: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await work;
  } catch (error) {
    const e = error as { exceptionName?: string; message: string };
    return { name: e.exceptionName ?? 'none', message: e.message };
  }
  throw new Error('expected an Odoo error');
}
