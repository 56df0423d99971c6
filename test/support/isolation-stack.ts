import type pg from 'pg';
import { serviceMount, type ServiceMount } from '../../bench/drill/service-mount.ts';
import { generateApiKey } from '../../odoo-bridge/auth/api-keys.ts';
import type { ServiceDefinition } from '../../services/kit/index.ts';
import { testClusterUrl } from './databases.ts';
import { startServiceStack, type ServiceStack, type ServiceStackOptions } from './service-cutover-stack.ts';

/** One demo login: uid, login (= password), its API key (made here, for JSON-2) and its web session cookie. */
export interface Caller {
  uid: number;
  login: string;
  apiKey: string;
  session: string;
}

/**
 * `ficus start` as members, coaches and operators reach it: the gateway with every module in
 * phase legacy and the service running beside it (its REST routes mounted on the gateway, bearer
 * tokens of the auth service's kind), over a fresh copy of the monolith; `backfill()` gives the
 * service its copy (its modules still in phase legacy), `cutOver()` then moves them the way the
 * migration team does. `rows()` is the database holding the modules' rows in the current phase.
 */
export interface IsolationStack extends Omit<ServiceStack, 'phase' | 'cutOver'> {
  callers: Map<number, Caller>;
  tokenOf(uid: number): string;
  rows(): pg.Pool;
  phase(): 'legacy' | 'service';
  cutOver(): Promise<void>;
}

export async function startIsolationStack(
  definition: ServiceDefinition<any>,
  options: Omit<ServiceStackOptions, 'service' | 'modules' | 'mount'> & { uids: readonly number[] },
): Promise<IsolationStack> {
  let mounted: ServiceMount | undefined;
  const side = await startServiceStack({
    ...options,
    service: definition.name,
    modules: definition.modules,
    mount: (service) => serviceMount(definition, service.url, testClusterUrl('postgres'), (m) => (mounted = m)),
  });
  let callers: Map<number, Caller>;
  try {
    callers = await logIn(side, options.uids);
  } catch (error) {
    await side.stop();
    throw error;
  }
  const phase = () => (side.phase() === 'service' ? 'service' : 'legacy');
  return {
    ...side,
    callers,
    tokenOf: (uid) => mounted!.tokensFor([uid])[String(uid)]!,
    phase,
    rows: () => (phase() === 'service' ? side.service.pool : side.legacy.pool),
    cutOver: () => side.cutOver(),
  };
}

/** Each uid logs in as the demo logins do (login = password): an API key for JSON-2 and a web session. */
async function logIn(side: ServiceStack, uids: readonly number[]): Promise<Map<number, Caller>> {
  const callers = new Map<number, Caller>();
  for (const uid of uids) {
    const { rows } = await side.legacy.pool.query<{ login: string }>('SELECT login FROM res_users WHERE id = $1', [uid]);
    const login = rows[0]!.login;
    const key = await generateApiKey();
    await side.legacy.pool.query(`INSERT INTO res_users_apikeys (name, user_id, scope, index, key, create_date) VALUES ('isolation test', $1, NULL, $2, $3, now())`, [uid, key.index, key.hash]);
    const answer = await fetch(`${side.stack.gatewayUrl}/web/session/authenticate`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { db: 'hp_legacy', login, password: login } }),
    });
    const body = (await answer.json()) as { result?: { uid: number } };
    if (body.result?.uid !== uid) throw new Error(`${login} could not log in: ${JSON.stringify(body).slice(0, 300)}`);
    callers.set(uid, { uid, login, apiKey: key.key, session: answer.headers.get('set-cookie')!.split(';')[0]! });
  }
  return callers;
}
