import { DEBEZIUM_COMPATIBLE_VERSION, type ChangeEvent, type ChangeOp, type RowImage, type SnapshotMarker } from '../events/change-event.ts';

export interface SourceIdentity {
  /** Debezium's topic.prefix equivalent. */
  serverName: string;
  db: string;
}

export interface ChangeFacts {
  op: ChangeOp;
  schema: string;
  table: string;
  primaryKey: readonly string[];
  before: RowImage | null;
  after: RowImage | null;
  lsn: number;
  txId: number | null;
  commitTimeMs: number;
  snapshot: SnapshotMarker;
  lastCommitLsn: number | null;
  origin: string | null;
}

/** The Debezium envelope for one change; the embedded reader's single way to make events. */
export function buildChangeEvent(identity: SourceIdentity, facts: ChangeFacts): ChangeEvent {
  const image = facts.op === 'd' ? facts.before : facts.after;
  const key: RowImage = {};
  for (const column of facts.primaryKey) key[column] = image?.[column] ?? null;
  const now = Date.now();
  return {
    key,
    value: {
      before: facts.before,
      after: facts.after,
      source: {
        version: DEBEZIUM_COMPATIBLE_VERSION,
        connector: 'postgresql',
        name: identity.serverName,
        ts_ms: facts.commitTimeMs,
        snapshot: facts.snapshot,
        db: identity.db,
        sequence: JSON.stringify([facts.lastCommitLsn === null ? null : String(facts.lastCommitLsn), String(facts.lsn)]),
        schema: facts.schema,
        table: facts.table,
        txId: facts.txId,
        lsn: facts.lsn,
        xmin: null,
        origin: facts.origin,
        origin_lsn: null,
      },
      transaction: null,
      op: facts.op,
      ts_ms: now,
    },
  };
}
