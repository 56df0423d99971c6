import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { poolUrl, RowChangeFeed, type BackgroundPorts, type BackgroundWork } from '../../kit/index.ts';
import type { OpsDatabase } from '../db/tables.ts';
import { RiskStreamHost } from './risk-stream-host.ts';

/** The feed's slot and publication: ficus_ops_risk on the monolith. */
export const RISK_FEED_PURPOSE = 'ops_risk';

/**
 * Whether this process evaluates risk rules on the stream: OPS_RISK_STREAM=on, and a monolith
 * beside the service (its WAL is the stream). Off by default: the feed holds a replication slot
 * on the monolith for as long as it exists (the WAL it has not read is kept), which one process
 * of the deployment should own on purpose, and which a test database could not be dropped with.
 */
export function riskStreamEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.OPS_RISK_STREAM === 'on';
}

/**
 * Risk rules on the stream as ops's background work: the kit's RowChangeFeed over every model's
 * table of the monolith, each batch through RiskStreamHost (domain/risk-stream-host.ts). Started
 * with the service database, stopped before it closes; the slot stays between runs, so changes
 * made while ops was down are evaluated when it comes back.
 */
export function riskStreamWork(ports: BackgroundPorts<OpsDatabase>): BackgroundWork {
  if (!riskStreamEnabled() || !ports.legacyPool) return { stop: async () => undefined };
  const legacyPool = ports.legacyPool;
  let feed: RowChangeFeed | undefined;
  let stopped = false;
  const starting = (async () => {
    const { rows } = await legacyPool.query<{ name: string }>('SELECT current_database() AS name');
    const host = new RiskStreamHost({ db: ports.db as unknown as Kysely<OpsDatabase>, legacyPool, odooDatabaseName: rows[0]!.name });
    const tables = await host.watchedTables();
    if (stopped) return;
    feed = new RowChangeFeed({
      sourceUrl: poolUrl(legacyPool), consumerUrl: poolUrl(ports.pool), purpose: RISK_FEED_PURPOSE, tables, logger: ports.logger, metrics: ports.metrics ?? new Registry(),
      handle: async (changes) => {
        const outcome = await host.evaluate(changes);
        if (outcome.skippedRules.length) ports.logger.warn({ rules: outcome.skippedRules }, 'risk rules whose condition is no domain were skipped on the stream');
      },
    });
    feed.start();
    await feed.ready;
    ports.logger.info({ tables: tables.length }, 'risk rules evaluated on the change stream');
  })().catch((error: unknown) => ports.logger.error({ err: error }, 'the risk stream could not start; rules are evaluated by action_scan only until the next start'));
  return {
    async stop() {
      stopped = true;
      await starting;
      await feed?.stop();
    },
  };
}

/** A service's background work (one function per definition) with the risk stream beside it. */
export function withRiskStream(other: (ports: BackgroundPorts<OpsDatabase>) => BackgroundWork): (ports: BackgroundPorts<OpsDatabase>) => BackgroundWork {
  return (ports) => {
    const works = [other(ports), riskStreamWork(ports)];
    return { stop: async () => void (await Promise.all(works.map((w) => w.stop()))) };
  };
}
