import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { engineAnswer, recordedEngines } from './support/recorded-calls.ts';

/**
 * Sales orders as a real Odoo 18 wrote them (scripts/record-sale-orders.py --record, x s1 pair):
 * 19 scenarios over fresh odoo_ref — creates with order_line commands, writes with commands 0-6,
 * a line moved between orders, direct line creates/writes/unlinks, customer and product
 * changes, a hand-set price kept on a quantity change, sections and notes, price-included,
 * fixed, division and excluded taxes, a variant's extra price, a demo salesman's quotation,
 * confirmation and lines added or quantities changed after it, the state buttons (cancel, draft, sent, lock), tax totals, a company rounding globally — replayed through the full engine
 * after the same setup SQL (extra taxes, tax assignments, addresses, a salesperson). Every
 * answer equals Odoo's, and so does every row the run stored: orders, lines, tax links,
 * chatter messages, tracking values and followers (creation and write dates, order dates and
 * validity dates left out: they are the clock's).
 */
interface Step {
  scenario: string;
  sql?: string;
  uid?: number;
  model?: string;
  method?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  response?: { result?: unknown; error?: string; message?: string };
}
interface Recording {
  marks: { order: number; line: number };
  setup: string[];
  steps: Step[];
  rows: Record<string, Array<Record<string, unknown>>>;
  queries: Record<string, string>;
  volatile: string[];
}

const recording = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'fixtures/odoo-sale-orders/recorded.json'), 'utf8')) as Recording;
const { engines, databases } = recordedEngines();
const answers: Array<{ step: Step; answer: Step['response'] }> = [];
let rows: Record<string, Array<Record<string, unknown>>> = {};

beforeAll(async () => {
  const pool = databases.odoo_ref!.pool;
  const max = async (table: string) => (await pool.query<{ m: number }>(`SELECT max(id) AS m FROM ${table}`)).rows[0]!.m;
  expect({ order: await max('sale_order'), line: await max('sale_order_line') }).toEqual(recording.marks);
  for (const sql of recording.setup) await pool.query(sql);
  for (const step of recording.steps) {
    if (step.sql) {
      await pool.query(step.sql);
      continue;
    }
    const answer = await engineAnswer(engines.odoo_ref!, { database: 'odoo_ref', uid: step.uid!, model: step.model!, method: step.method!, args: step.args!, kwargs: step.kwargs ?? {} });
    answers.push({ step, answer: answer.error ? { error: answer.error, message: answer.message } : { result: answer.result } });
  }
  for (const [table, query] of Object.entries(recording.queries)) {
    const r = await pool.query<{ row_to_json: Record<string, unknown> }>(query.replaceAll('%(order)s', String(recording.marks.order)).replaceAll('%(line)s', String(recording.marks.line)));
    rows[table] = r.rows.map((x) => x.row_to_json);
  }
}, 600_000);

const withoutVolatile = (table: Array<Record<string, unknown>>) =>
  table.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !recording.volatile.includes(k)).map(([k, v]) => [k, typeof v === 'number' ? Number(v) : v])));

describe('sales orders recorded from Odoo 18', () => {
  it('covers at least 15 orders', () => {
    expect(recording.rows.sale_order!.length).toBeGreaterThanOrEqual(15);
  });

  it('answers every call as Odoo did', () => {
    expect(answers.map((a) => ({ scenario: a.step.scenario, call: `${a.step.model}.${a.step.method}`, response: a.answer })))
      .toEqual(answers.map((a) => ({ scenario: a.step.scenario, call: `${a.step.model}.${a.step.method}`, response: a.step.response })));
  });

  for (const table of Object.keys(recording.queries)) {
    it(`stores the ${table} rows Odoo stored`, () => {
      expect(withoutVolatile(rows[table] ?? [])).toEqual(withoutVolatile(recording.rows[table] ?? []));
    });
  }
});
