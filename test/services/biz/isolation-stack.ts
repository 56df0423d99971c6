import type pg from 'pg';
import type { Logger } from 'pino';
import { startDrillStack, type DrillStack } from '../../../bench/drill/drill-stack.ts';
import { serviceMount, type ServiceMount } from '../../../bench/drill/service-mount.ts';
import { generateApiKey } from '../../../odoo-bridge/auth/api-keys.ts';
import biz from '../../../services/biz/index.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';
import { holdModuleSyncs } from '../../support/module-sync-lock.ts';
import type { Caller } from '../user/support/isolation-stack.ts';
import { BIZ_MODULES, BIZ_SYNC_LOCK, dropBizSlots } from './golden-biz-cutover-stack.ts';

export type { Caller } from '../user/support/isolation-stack.ts';

/**
 * `ficus start` as coaches, merchants and members reach it: the gateway with every module in
 * phase legacy and the biz service running beside it (its REST routes mounted on the gateway,
 * bearer tokens of the auth service's kind), over a fresh copy of the monolith; `backfill()`
 * gives biz its copy of M03, M07 and M08 (still in phase legacy), `cutOver()` then moves the
 * three to biz the way the migration team does (a forced shadow, cutover, module by module).
 * `rows()` is the database holding their rows in the current phase.
 */
export interface BizIsolationStack {
  stack: DrillStack;
  callers: Map<number, Caller>;
  tokenOf(uid: number): string;
  rows(): pg.Pool;
  phase(): 'legacy' | 'service';
  backfill(): Promise<void>;
  cutOver(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBizIsolationStack(logger: Logger, uids: readonly number[]): Promise<BizIsolationStack> {
  const lock = await holdModuleSyncs(BIZ_SYNC_LOCK);
  let legacy: TestDatabase | undefined;
  let control: TestDatabase | undefined;
  let service: TestDatabase | undefined;
  const dropAll = async () => {
    try {
      await control?.drop();
      await service?.drop();
      await legacy?.drop();
      await dropBizSlots();
    } finally {
      await lock.release();
    }
  };
  let mounted: ServiceMount | undefined;
  let stack: DrillStack;
  try {
    await dropBizSlots();
    legacy = await legacyDatabase();
    control = await emptyDatabase('control');
    service = await emptyDatabase('svc_biz');
    stack = await startDrillStack({
      legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger, service: 'biz',
      mount: serviceMount(biz, service.url, testClusterUrl('postgres'), (m) => (mounted = m)),
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
  const phase = () => (BIZ_MODULES.every((m) => stack.runtime.book.get(m).phase === 'service') ? 'service' : 'legacy');
  const legacyPool = legacy.pool;
  const servicePool = service.pool;
  return {
    stack,
    callers,
    tokenOf: (uid) => mounted!.tokensFor([uid])[String(uid)]!,
    phase,
    rows: () => (phase() === 'service' ? servicePool : legacyPool),
    async backfill() {
      for (const module of BIZ_MODULES) {
        const backfill = await stack.controller.backfill(module, { waitMs: 120_000 });
        if (!backfill.ok) throw new Error(`backfill ${module}: ${backfill.message}`);
      }
    },
    async cutOver() {
      const force = { force: true, reason: 'test: biz takes over M03, M07 and M08', actor: 'test' };
      for (const module of BIZ_MODULES) {
        await stack.controller.shadow(module, force);
        const cutover = await stack.controller.cutover(module, force);
        if (!cutover.ok) throw new Error(`cutover ${module}: ${cutover.message}`);
      }
      const started = Date.now();
      while (phase() !== 'service') {
        if (Date.now() - started > 5000) throw new Error('the gateway did not learn the cutover of M03, M07 and M08');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop,
  };
}
