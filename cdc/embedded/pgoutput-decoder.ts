import type { Pgoutput } from 'pg-logical-replication';
import type { ChangeEvent, ColumnValue, RowImage } from '../events/change-event.ts';
import { encodePgText } from '../events/encode-pg-text.ts';
import { lsnToNumber } from '../events/lsn.ts';
import { ARRAY_ELEMENT_TYPE, PgType } from '../events/pg-types.ts';
import { UNAVAILABLE_VALUE, UNAVAILABLE_VALUE_BASE64 } from '../events/unavailable.ts';
import { buildChangeEvent, type ChangeFacts, type SourceIdentity } from './envelope-builder.ts';

export type Decoded =
  | { kind: 'changes'; events: ChangeEvent[] }
  | { kind: 'begin' }
  | { kind: 'commit'; commitEndLsn: number }
  | { kind: 'truncate'; tables: string[] }
  | { kind: 'none' };

interface OpenTransaction {
  xid: number;
  commitTimeMs: number;
  origin: string | null;
}

/**
 * pgoutput messages (text tuples, see RawPgoutputPlugin) → Debezium envelopes, using the column
 * types announced by each relation message. Keeps the open transaction (xid, commit time,
 * replication origin) that pgoutput sends once, before the transaction's changes.
 */
export class PgoutputDecoder {
  readonly #identity: SourceIdentity;
  readonly #primaryKeys: ReadonlyMap<string, string[]>;
  #txn: OpenTransaction | null = null;
  #lastCommitLsn: number | null = null;

  constructor(identity: SourceIdentity, primaryKeys: ReadonlyMap<string, string[]>) {
    this.#identity = identity;
    this.#primaryKeys = primaryKeys;
  }

  get inTransaction(): boolean {
    return this.#txn !== null;
  }

  decode(lsn: string, message: Pgoutput.Message): Decoded {
    switch (message.tag) {
      case 'begin':
        this.#txn = { xid: message.xid, commitTimeMs: Number((message.commitTime as bigint) / 1000n), origin: null };
        return { kind: 'begin' };
      case 'origin':
        if (this.#txn) this.#txn.origin = message.originName;
        return { kind: 'none' };
      case 'commit': {
        this.#txn = null;
        const end = lsnToNumber(message.commitEndLsn ?? lsn);
        this.#lastCommitLsn = end;
        return { kind: 'commit', commitEndLsn: end };
      }
      case 'insert':
        return { kind: 'changes', events: [this.#event('c', lsn, message.relation, null, this.#image(message.relation, message.new))] };
      case 'update':
        return { kind: 'changes', events: this.#update(lsn, message) };
      case 'delete': {
        const before = message.old ? this.#image(message.relation, message.old) : this.#keyImage(message.relation, message.key ?? {});
        return { kind: 'changes', events: [this.#event('d', lsn, message.relation, before, null)] };
      }
      case 'truncate':
        return { kind: 'truncate', tables: message.relations.map((r) => `${r.schema}.${r.name}`) };
      default:
        return { kind: 'none' }; // relation, type (cached by the parser), message (heartbeats)
    }
  }

  /** An update that changes the primary key is a delete of the old key and a create of the new one, as in Debezium. */
  #update(lsn: string, message: Pgoutput.MessageUpdate): ChangeEvent[] {
    const after = this.#image(message.relation, message.new);
    const before = message.old ? this.#image(message.relation, message.old) : message.key ? this.#keyImage(message.relation, message.key) : null;
    const primaryKey = this.#primaryKey(message.relation);
    if (before && primaryKey.some((c) => before[c] !== undefined && before[c] !== null && JSON.stringify(before[c]) !== JSON.stringify(after[c]))) {
      return [this.#event('d', lsn, message.relation, before, null), this.#event('c', lsn, message.relation, null, after)];
    }
    return [this.#event('u', lsn, message.relation, message.old ? before : null, after)];
  }

  #event(op: ChangeFacts['op'], lsn: string, relation: Pgoutput.MessageRelation, before: RowImage | null, after: RowImage | null): ChangeEvent {
    const txn = this.#txn;
    return buildChangeEvent(this.#identity, {
      op,
      schema: relation.schema,
      table: relation.name,
      primaryKey: this.#primaryKey(relation),
      before,
      after,
      lsn: lsnToNumber(lsn),
      txId: txn?.xid ?? null,
      commitTimeMs: txn?.commitTimeMs ?? Date.now(),
      snapshot: 'false',
      lastCommitLsn: this.#lastCommitLsn,
      origin: txn?.origin ?? null,
    });
  }

  #primaryKey(relation: Pgoutput.MessageRelation): string[] {
    return this.#primaryKeys.get(`${relation.schema}.${relation.name}`) ?? relation.keyColumns;
  }

  /** A key-only old tuple: Debezium shows the other columns of such a before-image as null. */
  #keyImage(relation: Pgoutput.MessageRelation, key: Record<string, unknown>): RowImage {
    const row: RowImage = {};
    for (const column of relation.columns) {
      const text = key[column.name];
      row[column.name] = text === undefined || text === null ? null : encodePgText(column.typeOid, text as string, column.typeMod);
    }
    return row;
  }

  /**
   * Text tuple → encoded row. `undefined` is pgoutput's 'u' (unchanged TOAST, not logged
   * because the table is not REPLICA IDENTITY FULL): written as Debezium's placeholder.
   */
  #image(relation: Pgoutput.MessageRelation, tuple: Record<string, unknown>): RowImage {
    const row: RowImage = {};
    for (const column of relation.columns) {
      const text = tuple[column.name];
      row[column.name] = text === undefined ? unavailable(column.typeOid) : text === null ? null : encodePgText(column.typeOid, text as string, column.typeMod);
    }
    return row;
  }
}

function unavailable(typeOid: number): ColumnValue {
  if (typeOid === PgType.bytea) return UNAVAILABLE_VALUE_BASE64;
  if (ARRAY_ELEMENT_TYPE.has(typeOid)) return [UNAVAILABLE_VALUE];
  return UNAVAILABLE_VALUE;
}
