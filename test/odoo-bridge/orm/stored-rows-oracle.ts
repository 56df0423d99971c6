import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

/**
 * The stored-rows oracle (fixtures/stored-rows.jsonl, a copy of ../shared/odoo-golden/stored-rows.jsonl; see fixtures/STORED-ROWS.md):
 * client calls recorded from real Odoo 18 with every row they stored. This module loads the
 * steps and dumps the same rows from a database Ficus wrote to, by the recorder's rules
 * (record_stored_rows.py): the rows the call touched (create/write date), the target records,
 * their chatter and followers, a user's partner and group links, and m2m link rows.
 */
export interface StoredStep {
  id: string;
  title: string;
  db: 'odoo_ref' | 'hp_legacy';
  login: string;
  request: { model: string; method: string; args: unknown[]; kwargs: Record<string, unknown> };
  response: { result: unknown } | { error: { message?: string; data?: { name?: string; message?: string } } };
  rows: Record<string, Array<Record<string, unknown>>>;
  volatile: string[];
}

export const STORED_ROWS_FILE = path.resolve(import.meta.dirname, '../../../fixtures/stored-rows.jsonl');

export function loadStoredSteps(file = STORED_ROWS_FILE): StoredStep[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as StoredStep);
}

/** Infrastructure tables the recorder leaves out (record_stored_rows.py SKIP_TABLES). */
const SKIP_TABLES = new Set(['bus_bus', 'bus_presence', 'res_users_log', 'mail_presence', 'res_device_log', 'res_device']);

export type RowStamp = Map<string, Map<number, string>>;

/** Every (table, id) with a create/write date at or after `t0`, with its stamps: what a call touched is the difference. */
export class RowDumper {
  private touchedSql = '';
  private columns = new Map<string, string[]>();

  constructor(private readonly pool: pg.Pool) {}

  async init(): Promise<void> {
    const r = await this.pool.query<{ table_name: string; cols: string[] }>(
      `SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.ordinal_position) AS cols
         FROM information_schema.columns c JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public' GROUP BY c.table_name`,
    );
    const parts: string[] = [];
    for (const { table_name: t, cols } of r.rows) {
      this.columns.set(t, cols);
      if (!cols.includes('id') || SKIP_TABLES.has(t)) continue;
      const dated = ['create_date', 'write_date'].filter((c) => cols.includes(c));
      if (!dated.length) continue;
      const stamp = dated.map((c) => `COALESCE(${c}::text, '')`).join(` || '|' || `);
      parts.push(`SELECT '${t}'::text AS tbl, id::int AS id, ${stamp} AS stamp FROM "${t}" WHERE ${dated.map((c) => `${c} >= $1`).join(' OR ')}`);
    }
    this.touchedSql = parts.join(' UNION ALL ');
  }

  async now(): Promise<string> {
    return (await this.pool.query<{ t: string }>(`SELECT (now() AT TIME ZONE 'UTC')::text AS t`)).rows[0]!.t;
  }

  async stamps(t0: string): Promise<RowStamp> {
    const out: RowStamp = new Map();
    for (const row of (await this.pool.query<{ tbl: string; id: number; stamp: string }>(this.touchedSql, [t0])).rows) {
      let m = out.get(row.tbl);
      if (!m) out.set(row.tbl, (m = new Map()));
      m.set(row.id, row.stamp);
    }
    return out;
  }

  hasTable(table: string): boolean {
    return this.columns.has(table);
  }

  async rows(table: string, where: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    const cols = this.columns.get(table);
    if (!cols) return [];
    const order = cols.includes('id') ? 'id' : [...cols].sort().join(', ');
    const r = await this.pool.query<{ j: Record<string, unknown> }>(`SELECT row_to_json(q) AS j FROM (SELECT * FROM "${table}" t WHERE ${where} ORDER BY ${order}) q`, params);
    return r.rows.map((x) => sanitize(table, x.j));
  }

  byIds(table: string, ids: Iterable<number>): Promise<Array<Record<string, unknown>>> {
    const list = [...new Set(ids)].sort((a, b) => a - b);
    return list.length ? this.rows(table, 'id = ANY($1::int4[])', [list]) : Promise.resolve([]);
  }

  columnsOf(table: string): readonly string[] {
    return this.columns.get(table) ?? [];
  }
}

/** record_stored_rows.py sanitize_row: password hashes keep their scheme prefix only. */
function sanitize(table: string, row: Record<string, unknown>): Record<string, unknown> {
  if (table === 'res_users' && typeof row.password === 'string' && row.password) {
    const m = /^(\$[^$]+\$[^$]*\$)/.exec(row.password);
    row.password = `${m ? m[1] : row.password.slice(0, 4)}<hash>`;
  }
  if (table === 'res_users_apikeys' && 'key' in row) row.key = '<hash>';
  return row;
}

/** Deletes a JSON pointer's target (RFC 6901) from `root`, if it is there. */
export function deletePointer(root: unknown, pointer: string): void {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (let i = 0; i < parts.length - 1; i++) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string, unknown>)[parts[i]!];
  }
  const last = parts[parts.length - 1]!;
  if (Array.isArray(node)) {
    const index = Number(last);
    if (Number.isInteger(index) && index < node.length) node[index] = '<volatile>';
  } else if (node !== null && typeof node === 'object') delete (node as Record<string, unknown>)[last];
}

/** The first difference between two JSON values, as `path: expected … got …`, or null. */
export function firstDifference(expected: unknown, actual: unknown, at = ''): string | null {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return `${at}: expected ${short(expected)}, got ${short(actual)}`;
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
      const d = firstDifference(expected[i], actual[i], `${at}/${i}`);
      if (d) return d;
    }
    if (expected.length !== actual.length) return `${at}: expected ${expected.length} rows, got ${actual.length}${actual.length > expected.length ? ` (extra ${short(actual[expected.length])})` : ''}`;
    return null;
  }
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!(key in a)) return `${at}/${key}: missing (expected ${short(e[key])})`;
      const d = firstDifference(e[key], a[key], `${at}/${key}`);
      if (d) return d;
    }
    for (const key of Object.keys(a)) if (!(key in e)) return `${at}/${key}: unexpected ${short(a[key])}`;
    return null;
  }
  if (typeof expected === 'number' && typeof actual === 'number' && Math.abs(expected - actual) < 1e-9) return null;
  return expected === actual ? null : `${at}: expected ${short(expected)}, got ${short(actual)}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
