import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superuserPolicy } from '../../../odoo-bridge/orm/access-policy.ts';
import { createCallContext } from '../../../odoo-bridge/orm/call-context.ts';
import { loadRegistry } from '../../../odoo-bridge/orm/registry/registry-cache.ts';
import { createLogger } from '../../../platform/logger.ts';
import { continueTrace } from '../../../platform/trace-context.ts';
import { runInWorkContext } from '../../../platform/work-context.ts';
import { afterCommit, inTransactionWithAfterCommit, logAfterCommitFailure } from '../../../services/trade/odoo/after-commit.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

describe("trade's after-commit work", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await legacyDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const capture = () => {
    const stream = new PassThrough();
    const out = { text: '' };
    stream.on('data', (chunk: Buffer) => (out.text += chunk.toString()));
    return { out, log: createLogger({ level: 'info', format: 'json', destination: stream }) };
  };
  const failure = Object.assign(new Error('legacy side effect unavailable'), {
    code: 'ECONNREFUSED',
    query: "INSERT INTO points_transactions (note) VALUES ('blood pressure 150/95')",
    client: { password: 'hunter2' },
  });
  const expectLogged = (text: string) => {
    const line = JSON.parse(text.trim().split('\n').at(-1)!) as Record<string, any>;
    expect(line.msg).toMatch(/after-commit work failed/);
    expect(line.level).toBe(40);
    expect(line.uid).toBe(2);
    expect(line.err).toEqual({ type: 'Error', message: 'legacy side effect unavailable', code: 'ECONNREFUSED' });
    expect(text).not.toContain('blood pressure');
    expect(text).not.toContain('hunter2');
  };
  /** A committed change whose after-commit work fails, reported through `onFailure`. */
  const changeWithFailingWork = async (note: string, onFailure: (error: unknown) => void) => {
    const registry = await loadRegistry({ name: 'hp_legacy', pool: db.pool });
    const ctx = await createCallContext({ registry, db: db.pool, uid: 2, rawContext: {}, policy: superuserPolicy(db.pool), filestore: null });
    return inTransactionWithAfterCommit(ctx, async (tx) => {
      await tx.db.query(`UPDATE service_orders SET note = $1 WHERE id = 1`, [note]);
      afterCommit(tx, async () => {
        throw failure;
      }, onFailure);
      return 'done';
    });
  };

  it('a failure after the commit goes to its handler, the change stays and the caller gets its answer', async () => {
    const failures: unknown[] = [];
    expect(await changeWithFailingWork('after-commit test', (error) => failures.push(error))).toBe('done');
    expect(failures).toEqual([failure]);
    expect((await db.pool.query(`SELECT note FROM service_orders WHERE id = 1`)).rows[0].note).toBe('after-commit test');
  });

  it('logAfterCommitFailure logs class, message, code and uid (no SQL, no values) through the work logger, else the one given', async () => {
    const work = capture();
    const fallback = capture();
    await runInWorkContext({ trace: continueTrace(undefined), log: work.log }, () => changeWithFailingWork('in a unit of work', logAfterCommitFailure(fallback.log, 2)));
    expectLogged(work.out.text);
    expect(fallback.out.text).toBe('');

    await changeWithFailingWork('a gateway call', logAfterCommitFailure(fallback.log, 2));
    expectLogged(fallback.out.text);
  });
});
