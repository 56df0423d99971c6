import { afterAll, beforeAll } from 'vitest';
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
  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
  });
  return {
    stack: () => stack ?? (() => { throw new Error('the drill stack has not started'); })(),
    mount: () => mounted ?? (() => { throw new Error('the service is not mounted'); })(),
  };
}

/** `DRILL_LOG=1` prints the drill's steps as they happen, with the time of day. */
export const drillLog = process.env.DRILL_LOG ? { log: (line: string) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`) } : {};
