import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissivePolicy } from '../../../odoo-bridge/orm/access-policy.ts';
import { createCallContext } from '../../../odoo-bridge/orm/call-context.ts';
import { loadRegistry } from '../../../odoo-bridge/orm/registry/registry-cache.ts';
import { createLogger } from '../../../runtime/logger.ts';
import { continueTrace } from '../../../services/kit/observability/trace-context.ts';
import { runInWorkContext } from '../../../services/kit/observability/work-context.ts';
import { afterCommit, inTransactionWithAfterCommit } from '../../../services/trade/odoo/after-commit.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

describe("trade's after-commit work", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await legacyDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a failure after the commit is logged (class, message, code; no SQL, no values) and counted, the change stays and the caller gets its answer', async () => {
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    const log = createLogger({ level: 'info', format: 'json', destination: stream });
    const registry = await loadRegistry({ name: 'hp_legacy', pool: db.pool });
    const ctx = await createCallContext({ registry, db: db.pool, uid: 2, rawContext: {}, policy: permissivePolicy(db.pool), filestore: null });
    const failures: unknown[] = [];
    const failure = Object.assign(new Error('legacy side effect unavailable'), {
      code: 'ECONNREFUSED',
      query: "INSERT INTO points_transactions (note) VALUES ('blood pressure 150/95')",
      client: { password: 'hunter2' },
    });

    const answer = await runInWorkContext({ trace: continueTrace(undefined), log }, () =>
      inTransactionWithAfterCommit(
        ctx,
        async (tx) => {
          await tx.db.query(`UPDATE service_orders SET note = 'after-commit test' WHERE id = 1`);
          afterCommit(tx, async () => {
            throw failure;
          });
          return 'done';
        },
        (error) => failures.push(error),
      ),
    );

    expect(answer).toBe('done');
    expect(failures).toEqual([failure]);
    expect((await db.pool.query(`SELECT note FROM service_orders WHERE id = 1`)).rows[0].note).toBe('after-commit test');
    const line = JSON.parse(logged.trim().split('\n').at(-1)!) as Record<string, any>;
    expect(line.msg).toMatch(/after-commit work failed/);
    expect(line.level).toBe(40);
    expect(line.uid).toBe(2);
    expect(line.err).toEqual({ type: 'Error', message: 'legacy side effect unavailable', code: 'ECONNREFUSED' });
    expect(logged).not.toContain('blood pressure');
    expect(logged).not.toContain('hunter2');
  });
});
