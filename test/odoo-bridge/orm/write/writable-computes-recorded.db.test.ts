import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { odooRefDatabase, testFilestores, type TestDatabase } from '../../../support/databases.ts';
import { PROJECT_ROOT } from '../../../support/ficus-process.ts';

/**
 * Stored computes declared `readonly=False` that Ficus runs as Odoo 18 does, against what a real
 * Odoo stored for the same calls (fixtures/odoo-writable-computes, recorded by
 * scripts/record-writable-computes.py from fixtures/odoo-writable-computes/calls.json): after each
 * call, the recorded columns of every record the sequence made so far.
 */
interface RecordedCase {
  title: string;
  db: string;
  table: string;
  /** The SQL expressions read after each call (columns, or simple expressions of them). */
  columns: string[];
  source: string;
  steps: Array<{ call: { model: string; method: string; args: unknown[]; as?: string }; rows: Record<string, Record<string, unknown> | null> }>;
}

const cases: RecordedCase[] = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'fixtures/odoo-writable-computes/recorded.json'), 'utf8')) as RecordedCase[];

let database: TestDatabase;
let engine: OrmEngine;

beforeAll(async () => {
  database = await odooRefDatabase();
  engine = createFullOrmEngine({ database: { name: 'odoo_ref', pool: database.pool }, filestore: testFilestores().odooRef });
}, 120_000);
afterAll(async () => {
  await database?.drop();
});

function resolve(value: unknown, names: Record<string, number>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, names));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === '$ref') return names[entries[0]![1] as string];
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, names)]));
  }
  return value;
}

describe('stored readonly=False computes store what Odoo 18 stores', () => {
  for (const recorded of cases) {
    it(`${recorded.title} (${recorded.source})`, async () => {
      expect(recorded.steps.length).toBeGreaterThan(0);
      const names: Record<string, number> = {};
      for (const [index, step] of recorded.steps.entries()) {
        const { model, method, args } = step.call;
        const result = await engine.call({ database: 'odoo_ref', uid: 2, model, method, args: resolve(args, names) as unknown[], kwargs: {} });
        if (step.call.as) names[step.call.as] = result as number;
        const rows: Record<string, Record<string, unknown> | null> = {};
        for (const [name, id] of Object.entries(names)) {
          const r = await database.pool.query<{ r: Record<string, unknown> }>(
            `SELECT row_to_json(x) AS r FROM (SELECT ${recorded.columns.join(', ')} FROM ${recorded.table} WHERE id = $1) x`,
            [id],
          );
          rows[name] = r.rows[0]?.r ?? null;
        }
        expect({ step: index, rows }).toEqual({ step: index, rows: step.rows });
      }
    });
  }
});
