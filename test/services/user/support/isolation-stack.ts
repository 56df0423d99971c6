import pg from 'pg';
import type { Logger } from 'pino';
import { startDrillStack, type DrillStack } from '../../../../bench/drill/drill-stack.ts';
import { serviceMount, type ServiceMount } from '../../../../bench/drill/service-mount.ts';
import { generateApiKey } from '../../../../odoo-bridge/auth/api-keys.ts';
import user from '../../../../services/user/index.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../../support/databases.ts';
import { holdModuleSyncs } from '../../../support/module-sync-lock.ts';
import { USER_SYNC_LOCK } from './user-core-sides.ts';

/** M02's tables, and the model each one serves. */
export const M02_MODELS = {
  'hp.health.record': 'health_records',
  'hp.device.binding': 'device_bindings',
  'hp.health.goal': 'health_goals',
  'hp.assessment': 'assessments',
} as const;
export type M02Model = keyof typeof M02_MODELS;

/** One demo login: uid, login (= password), its API key (made here, for JSON-2) and its web session cookie. */
export interface Caller {
  uid: number;
  login: string;
  apiKey: string;
  session: string;
}

/**
 * `ficus start` as a member reaches it: the gateway with every module in phase legacy and the
 * user service running beside it (its REST routes mounted on the gateway, bearer tokens of the
 * auth service's kind), over a fresh copy of the monolith; `backfill()` gives the service its
 * copy (M02 still in phase legacy), `cutOver()` then moves M02 to the user service the way the
 * migration team does (a forced shadow, cutover). `rows()`
 * is the database holding M02's rows in the current phase.
 */
export interface UserIsolationStack {
  stack: DrillStack;
  legacy: TestDatabase;
  service: TestDatabase;
  callers: Map<number, Caller>;
  tokenOf(uid: number): string;
  rows(): pg.Pool;
  phase(): 'legacy' | 'service';
  /** The service's copy of M02 (its REST routes answer 503 before it), M02 still in phase legacy. */
  backfill(): Promise<void>;
  cutOver(): Promise<void>;
  stop(): Promise<void>;
}

const USER_SLOTS = ['ficus_fwd_m02', 'ficus_rev_m02', 'ficus_ref_user'];

async function dropUserSlots(): Promise<void> {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active`, [USER_SLOTS]);
  } finally {
    await admin.end();
  }
}

export async function startUserIsolationStack(logger: Logger, uids: readonly number[]): Promise<UserIsolationStack> {
  const lock = await holdModuleSyncs(USER_SYNC_LOCK);
  const legacy = await legacyDatabase();
  const control = await emptyDatabase('control');
  const service = await emptyDatabase('svc_user');
  const dropAll = async () => {
    try {
      await control.drop();
      await service.drop();
      await legacy.drop();
      await dropUserSlots();
    } finally {
      await lock.release();
    }
  };
  let mounted: ServiceMount | undefined;
  let stack: DrillStack;
  try {
    await dropUserSlots();
    stack = await startDrillStack({
      legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger, service: 'user',
      mount: serviceMount(user, service.url, testClusterUrl('postgres'), (m) => (mounted = m)),
    });
  } catch (error) {
    await dropAll();
    throw error;
  }
  const stop = async () => {
    await stack.stop();
    await dropAll();
  };
  const callers = new Map<number, Caller>();
  try {
    for (const uid of uids) {
      const { rows } = await legacy.pool.query<{ login: string }>('SELECT login FROM res_users WHERE id = $1', [uid]);
      const login = rows[0]!.login;
      const key = await generateApiKey();
      await legacy.pool.query(`INSERT INTO res_users_apikeys (name, user_id, scope, index, key, create_date) VALUES ('isolation test', $1, NULL, $2, $3, now())`, [uid, key.index, key.hash]);
      const answer = await fetch(`${stack.gatewayUrl}/web/session/authenticate`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { db: 'hp_legacy', login, password: login } }),
      });
      const body = (await answer.json()) as { result?: { uid: number } };
      if (body.result?.uid !== uid) throw new Error(`${login} could not log in: ${JSON.stringify(body).slice(0, 300)}`);
      callers.set(uid, { uid, login, apiKey: key.key, session: answer.headers.get('set-cookie')!.split(';')[0]! });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const phase = () => (stack.runtime.book.get('M02').phase === 'service' ? 'service' : 'legacy');
  return {
    stack,
    legacy,
    service,
    callers,
    tokenOf: (uid) => mounted!.tokensFor([uid])[String(uid)]!,
    phase,
    rows: () => (phase() === 'service' ? service.pool : legacy.pool),
    async backfill() {
      const backfill = await stack.controller.backfill('M02', { waitMs: 120_000 });
      if (!backfill.ok) throw new Error(`backfill M02: ${backfill.message}`);
    },
    async cutOver() {
      const force = { force: true, reason: 'test: the user service takes over M02', actor: 'test' };
      await stack.controller.shadow('M02', force);
      const cutover = await stack.controller.cutover('M02', force);
      if (!cutover.ok) throw new Error(`cutover M02: ${cutover.message}`);
      const started = Date.now();
      while (phase() !== 'service') {
        if (Date.now() - started > 5000) throw new Error('the gateway did not learn the cutover of M02');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop,
  };
}
