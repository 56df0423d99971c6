import { withSocketHost } from '../../platform/postgres-url.ts';

/** Connection facts the global setup hands to every test file through vitest's provide/inject. */
export interface TestClusterInfo {
  port: number;
  /** The folder of the cluster's Unix socket, through which test pools connect (as `ficus start`'s engine does). */
  socketDirectory: string;
  user: string;
  password: string;
  /** Template databases, restored once per run. */
  templates: { legacy: string; odooRef: string };
  /** Unpacked Odoo filestores (attachment files) of the two databases. */
  filestores: { legacy: string; odooRef: string };
  /** A stopped cluster with `legacy` restored and an empty `control`, copied by each private cluster (private-cluster-seed.ts). */
  privateClusterSeed: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testCluster: TestClusterInfo;
  }
}

export function clusterUrl(info: TestClusterInfo, database: string): string {
  return `postgres://${info.user}:${encodeURIComponent(info.password)}@127.0.0.1:${info.port}/${encodeURIComponent(database)}`;
}

/** The same database through the cluster's Unix socket (`?host=`, which pg and libpq read; the authority stays TCP). */
export function clusterSocketUrl(info: TestClusterInfo, database: string): string {
  return withSocketHost(clusterUrl(info, database), info.socketDirectory);
}
