import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeApplier } from '../../../cdc/apply/applier.ts';
import { summariseParked } from '../../../cdc/apply/parked-changes.ts';
import type { ChangeEvent, ChangeOp, RowImage } from '../../../cdc/events/change-event.ts';
import { UNAVAILABLE_VALUE } from '../../../cdc/events/unavailable.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';

/** A user id nobody has: it must never reach a log line. */
const GHOST = 987654;
const SECRET = 'top-secret-hash';

let lsn = 1000;
function change(op: ChangeOp, id: number, after: RowImage | null): ChangeEvent {
  lsn += 10;
  return {
    key: { id },
    value: {
      before: op === 'd' ? { id } : null,
      after,
      source: { version: 't', connector: 'postgresql', name: 'test', ts_ms: Date.now(), snapshot: 'false', db: 'svc', schema: 'public', table: 'tokens', txId: null, lsn },
      op,
      ts_ms: Date.now(),
    },
  };
}
const token = (id: number, userId: number, secret = SECRET) => ({ id, user_id: userId, secret });

let target: TestDatabase;
let logged: string[];
let metrics: Registry;

function open(onRefused?: 'halt' | 'park', retryParkedEveryMs?: number): Promise<ChangeApplier> {
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        logged.push(String(chunk));
        done();
      },
    }),
  );
  return ChangeApplier.open({
    targetUrl: target.url, sourceName: 'service_m01', logger, registry: metrics,
    ...(onRefused ? { onRefused } : {}), ...(retryParkedEveryMs !== undefined ? { retryParkedEveryMs } : {}),
  });
}

async function rows(): Promise<Array<{ id: number; user_id: number; secret: string }>> {
  return (await target.pool.query('SELECT id, user_id, secret FROM tokens ORDER BY id')).rows;
}

async function metric(name: string): Promise<number> {
  const found = (await metrics.getMetricsAsJSON()).find((m) => m.name === name);
  return (found?.values ?? []).reduce((n, v) => n + Number(v.value), 0);
}

beforeEach(async () => {
  logged = [];
  metrics = new Registry();
  target = await emptyDatabase('parked');
  // The legacy side of a reverse sync: its foreign key refuses what the service database let in.
  await target.pool.query(`
    CREATE TABLE users (id integer PRIMARY KEY);
    INSERT INTO users VALUES (1), (2);
    CREATE TABLE tokens (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), secret text);`);
});

afterEach(async () => {
  await target.drop();
});

describe('a change the target refuses', () => {
  it('is parked with its cause, and the changes before and after it are applied in the same batch', async () => {
    const applier = await open('park');
    try {
      const result = await applier.apply([change('c', 1, token(1, 1)), change('c', 2, token(2, GHOST)), change('c', 3, token(3, 2))], { source: 'slot', position: { lsn } });
      expect(result).toMatchObject({ applied: 2, parked: 1 });
      expect((await rows()).map((r) => r.id)).toEqual([1, 3]);
      // The batch's checkpoint committed: the reader moves past the refused change.
      expect(await applier.readCheckpoint('slot')).toEqual({ lsn });

      const parked = await target.pool.query(`SELECT source, table_name, pk, op, error_code, constraint_name, error, event, resolved_at FROM ficus_cdc.parked_change`);
      expect(parked.rows).toHaveLength(1);
      expect(parked.rows[0]).toMatchObject({ source: 'service_m01', table_name: 'public.tokens', pk: '[2]', op: 'c', error_code: '23503', constraint_name: 'tokens_user_id_fkey', resolved_at: null });
      expect(parked.rows[0].error).toBe('insert or update on table "tokens" violates foreign key constraint "tokens_user_id_fkey"');
      expect(parked.rows[0].event.value.after).toEqual(token(2, GHOST)); // kept whole, for the replay

      // Visible: a metric, the open gauge, the status summary, one log line naming table and key only.
      expect(await metric('ficus_cdc_changes_parked_total')).toBe(1);
      expect(await metric('ficus_cdc_parked_changes')).toBe(1);
      expect(await summariseParked(target.pool, 'service_m01')).toMatchObject([{ table: 'public.tokens', code: '23503', constraint: 'tokens_user_id_fkey', count: 1 }]);
      const line = logged.map((l) => JSON.parse(l)).find((l) => /parked/.test(l.msg));
      expect(line).toMatchObject({ table: 'public.tokens', key: '[2]', code: '23503', constraint: 'tokens_user_id_fkey' });
      expect(logged.join('\n')).not.toContain(String(GHOST));
      expect(logged.join('\n')).not.toContain(SECRET);
    } finally {
      await applier.close();
    }
  });

  it('keeps a later partial update of the parked row behind it; a later full change decides the row and supersedes both', async () => {
    const applier = await open('park');
    try {
      await applier.apply([change('c', 2, token(2, GHOST))]);
      // Unchanged TOAST columns left out: it cannot stand without the parked insert.
      const partial = await applier.apply([change('u', 2, { id: 2, user_id: GHOST, secret: UNAVAILABLE_VALUE })]);
      expect(partial).toMatchObject({ applied: 0, parked: 1 });
      expect(await rows()).toEqual([]);
      expect((await target.pool.query(`SELECT error_code FROM ficus_cdc.parked_change ORDER BY id`)).rows.map((r) => r.error_code)).toEqual(['23503', 'behind']);

      const full = await applier.apply([change('u', 2, token(2, 1, 'fixed'))]);
      expect(full).toMatchObject({ applied: 1, parked: 0 });
      expect(await rows()).toEqual([token(2, 1, 'fixed')]);
      expect((await target.pool.query(`SELECT resolution FROM ficus_cdc.parked_change ORDER BY id`)).rows.map((r) => r.resolution)).toEqual(['superseded', 'superseded']);
      expect(await metric('ficus_cdc_parked_changes')).toBe(0);
    } finally {
      await applier.close();
    }
  });

  it('is applied by a retry once its cause is fixed; one still refused keeps its key parked', async () => {
    const applier = await open('park');
    try {
      await applier.apply([change('c', 4, token(4, 5)), change('c', 6, token(6, GHOST))]);
      expect(await rows()).toEqual([]);
      await target.pool.query('INSERT INTO users VALUES (5)');
      expect(await applier.retryParked()).toEqual({ applied: 1, superseded: 0, stillParked: 1 });
      expect(await rows()).toEqual([token(4, 5)]);
      const open = await target.pool.query(`SELECT pk, attempts FROM ficus_cdc.parked_change WHERE resolved_at IS NULL`);
      expect(open.rows).toEqual([{ pk: '[6]', attempts: 2 }]);
      expect(await metric('ficus_cdc_parked_changes')).toBe(1);
      // A newer change already applied makes the parked one stale: superseded, not applied over it.
      await applier.apply([change('d', 6, null)]);
      expect(await summariseParked(target.pool, 'service_m01')).toEqual([]);
    } finally {
      await applier.close();
    }
  });

  it('is retried by the running applier itself once due, so a cause that went away heals without anyone', async () => {
    const applier = await open('park', 0);
    try {
      await applier.apply([change('c', 8, token(8, 7))]);
      await applier.apply([change('c', 9, token(9, 1))]); // due, but user 7 is still missing
      expect((await rows()).map((r) => r.id)).toEqual([9]);
      expect((await target.pool.query(`SELECT attempts FROM ficus_cdc.parked_change WHERE pk = '[8]'`)).rows).toEqual([{ attempts: 2 }]);
      await target.pool.query('INSERT INTO users VALUES (7)');
      await applier.apply([]);
      expect((await rows()).map((r) => r.id)).toEqual([8, 9]);
      expect(await summariseParked(target.pool, 'service_m01')).toEqual([]);
      expect(await metric('ficus_cdc_parked_changes')).toBe(0);
    } finally {
      await applier.close();
    }
  });

  it('without parking, the batch fails whole as before, and the error it throws carries no row values', async () => {
    const applier = await open();
    try {
      const error = await applier.apply([change('c', 1, token(1, 1)), change('c', 2, token(2, GHOST))], { source: 'slot', position: { lsn } }).then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string; detail?: string },
      );
      expect(error?.code).toBe('23503');
      expect(error?.detail).toBeUndefined();
      expect(JSON.stringify(error) + String(error?.message)).not.toContain(String(GHOST));
      expect(await rows()).toEqual([]);
      expect(await applier.readCheckpoint('slot')).toBeNull();
    } finally {
      await applier.close();
    }
  });

  it('a failure that is not the row’s fault is not parked: the batch fails and is retried whole', async () => {
    const applier = await open('park');
    try {
      await applier.apply([change('c', 1, token(1, 1))]);
      await target.pool.query('ALTER TABLE tokens ADD COLUMN stamp text NOT NULL DEFAULT now()::text; ALTER TABLE tokens RENAME TO tokens_gone');
      await expect(applier.apply([change('c', 7, token(7, 1))])).rejects.toThrow();
      expect(await summariseParked(target.pool, 'service_m01')).toEqual([]);
    } finally {
      await applier.close();
    }
  });
});
