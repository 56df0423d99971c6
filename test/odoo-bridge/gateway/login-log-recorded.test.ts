import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, odooRefDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { jsonLines } from '../orm/support/recorded-calls.ts';

/**
 * What logins leave in res.users and res.users.log, recorded from a real Odoo 18 on pristine
 * copies of both databases (scripts/record-login-log.py → fixtures/odoo-differential/login-log.jsonl):
 * the reads before, a failing login and an execute_kw with a password (no row), logins through
 * common.authenticate, common.login and /web/session/authenticate (one row each, as the user), the
 * reads after (state 'active', log_ids in id desc, the rows' ids). Replayed in order on a gateway
 * over fresh copies; login_date is the clock's, compared as present or not.
 */
interface Step {
  db: 'odoo_ref' | 'hp_legacy';
  title: string;
  path: string;
  params: Record<string, unknown>;
  answer: { result?: unknown; error?: string };
}

const steps = jsonLines<Step>('fixtures/odoo-differential/login-log.jsonl');

/** login_date values (a datetime text) become '<datetime>': the clock differs, their presence not. */
function maskLoginDates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskLoginDates);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'login_date' && typeof v === 'string' ? '<datetime>' : maskLoginDates(v)]));
  }
  return value;
}

describe('logins as a real Odoo 18 records them in res.users.log', () => {
  const databases: TestDatabase[] = [];
  let gateway: TestGateway;

  beforeAll(async () => {
    const odooRef = await odooRefDatabase();
    const legacy = await legacyDatabase();
    databases.push(odooRef, legacy);
    const filestores = testFilestores();
    gateway = await startTestGateway({
      serve: [
        { name: 'odoo_ref', database: odooRef },
        { name: 'hp_legacy', database: legacy },
      ],
      handlerFor: (served) => createFullOrmEngine({ database: served, filestore: served.name === 'odoo_ref' ? filestores.odooRef : filestores.legacy }).call,
    });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(databases.map((db) => db.drop()));
  });

  it('holds both databases and every kind of step', () => {
    expect(new Set(steps.map((s) => s.db))).toEqual(new Set(['odoo_ref', 'hp_legacy']));
    expect(steps.filter((s) => s.title.startsWith('after logins'))).toHaveLength(6);
  });

  it('every step answers as Odoo did, in order', async () => {
    const seen: Array<{ db: string; title: string; answer: unknown }> = [];
    const expected: Array<{ db: string; title: string; answer: unknown }> = [];
    for (const step of steps) {
      const response = await fetch(`${gateway.url}${step.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: step.params }),
      });
      const body = (await response.json()) as { result?: unknown; error?: { data: { name: string } } };
      let answer: { result?: unknown; error?: string } = body.error ? { error: body.error.data.name } : { result: body.result };
      if (step.path === '/web/session/authenticate' && 'result' in answer) answer = { result: { uid: (answer.result as { uid: number }).uid } };
      seen.push({ db: step.db, title: step.title, answer: maskLoginDates(answer) });
      expected.push({ db: step.db, title: step.title, answer: maskLoginDates(step.answer) });
    }
    expect(seen).toEqual(expected);
  });
});
