import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startDrillStack, type DrillStack } from '../../../bench/drill/drill-stack.ts';
import { serviceMount, type ServiceMount } from '../../../bench/drill/service-mount.ts';
import { createLogger } from '../../../platform/logger.ts';
import type { ServiceDefinition } from '../../../services/kit/index.ts';
import { startPrivateCluster } from '../../migration/control/support/private-cluster.ts';

/** What a drill test file runs against, once its beforeAll has started it. */
export interface ServiceDrillStack {
  stack(): DrillStack;
  /** The mounted service (its tokens, its runtime). */
  mount(): ServiceMount;
}

/**
 * A service's cutover drill stack for one test file, as `ficus start` runs it: the service runs
 * (its REST API mounted on the gateway) before anything is migrated. The syncs run in a cluster of
 * the file's own: slot names are fixed per module, and the service's goldens run the same ones in
 * the shared test cluster. Started in beforeAll, stopped in afterAll.
 */
export function serviceDrillStack(definition: ServiceDefinition<any>, startTimeoutMs = 300_000): ServiceDrillStack {
  let cluster: Awaited<ReturnType<typeof startPrivateCluster>> | undefined;
  let stack: DrillStack | undefined;
  let mounted: ServiceMount | undefined;
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
    const serviceUrl = cluster.cluster.url(`svc_${definition.name}`);
    stack = await startDrillStack({
      legacyUrl: cluster.legacyUrl, controlUrl: cluster.cluster.url('control'), serviceUrl, logger, service: definition.name,
      mount: serviceMount(definition, serviceUrl, cluster.cluster.url('postgres'), (m) => (mounted = m)),
    });
  }, startTimeoutMs);
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    console.log(['drill steps before the failure:', ...drillLines.splice(0)].join('\n'));
    if (cluster) console.log(await whatWaits(cluster.cluster.url('postgres')));
  });
  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
  });
  return {
    stack: () => stack ?? (() => { throw new Error('the drill stack has not started'); })(),
    mount: () => mounted ?? (() => { throw new Error('the service is not mounted'); })(),
  };
}

const drillLines: string[] = [];

/**
 * The drill's steps with the time of day: printed as they happen with `DRILL_LOG=1`, else kept and
 * printed only when the test fails (a drill that hangs until its timeout says where it stood).
 */
export const drillLog = {
  log: (line: string) => {
    const stamped = `${new Date().toISOString().slice(11, 23)} ${line}`;
    if (process.env.DRILL_LOG) console.log(stamped);
    else drillLines.push(stamped);
  },
};

/** The private cluster's sessions that are not idle, with what they wait on (a hung drill's lock or query). */
async function whatWaits(adminUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ line: string }>(
      `SELECT format('%s %s %s %ss %s/%s blocked by %s: %s', datname, application_name, state, round(extract(epoch FROM now() - query_start)),
                     wait_event_type, wait_event, pg_blocking_pids(pid), left(regexp_replace(query, '\\s+', ' ', 'g'), 160)) AS line
         FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle' AND backend_type = 'client backend' ORDER BY query_start`,
    );
    return ["the drill cluster's busy sessions:", ...rows.map((r) => `  ${r.line}`)].join('\n');
  } catch (error) {
    return `the drill cluster could not be asked: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
