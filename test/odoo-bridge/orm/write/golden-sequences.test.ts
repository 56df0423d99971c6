import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { odooRefDatabase } from '../../../support/databases.ts';

/**
 * Replays every `seq_*` case of the golden transcripts, in order, each sequence on a fresh
 * odoo_ref copy, through the full engine (access policy + write methods + core behaviour),
 * and compares with Odoo 18: the result (modulo `volatile` paths), or the error's name and
 * message. Prints a per-sequence table. Calls another layer answers (anonymous `common`
 * calls, credential checks) are listed apart; answers that are Ficus's clear
 * missing-behaviour error are counted apart from wrong answers.
 */
const FLOOR_PASSED = 104;

interface Step {
  id: string;
  sequence: string;
  login: string | null;
  model: string;
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  expected: { kind: 'result'; value: unknown } | { kind: 'error'; name: string; message: string };
  volatile: string[];
  /** Not an ORM call (common.login/authenticate…). */
  otherLayer: boolean;
  /** XML-RPC: the error is only a fault code. */
  viaFault: boolean;
}

const UIDS: Record<string, number> = { admin: 2, demo: 6, portal: 7 };
const FAULTS: Record<number, string> = { 1: 'builtins.Exception', 2: 'odoo.exceptions.UserError', 3: 'odoo.exceptions.AccessDenied', 4: 'odoo.exceptions.AccessError' };

function loadSteps(): Step[] {
  const file = path.resolve(import.meta.dirname, '../../../../fixtures/odoo-golden.jsonl');
  const steps: Step[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const c = JSON.parse(line);
    if (!String(c.id).startsWith('seq_')) continue;
    const sequence = String(c.id).split('#')[0]!;
    let call: unknown[] | null = null;
    let model = '';
    let method = '';
    let args: unknown[] = [];
    let kwargs: Record<string, unknown> = {};
    if (c.transport === 'xmlrpc') {
      const p = c.request.params as unknown[];
      if (c.request.path.endsWith('/object') && p.length >= 5) call = p;
    } else if (c.transport === 'call_kw') {
      const p = c.request.body.params;
      model = p.model;
      method = p.method;
      args = p.args ?? [];
      kwargs = p.kwargs ?? {};
    } else {
      const p = c.request.body?.params;
      if (p?.service === 'object' && (p.method === 'execute_kw' || p.method === 'execute')) call = p.method === 'execute' ? [...p.args.slice(0, 5), p.args.slice(5)] : p.args;
    }
    if (call) {
      model = String(call[3]);
      method = String(call[4]);
      args = (call[5] as unknown[]) ?? [];
      kwargs = (call[6] as Record<string, unknown>) ?? {};
    }
    const r = c.response;
    let expected: Step['expected'];
    if (r.fault) expected = { kind: 'error', name: FAULTS[r.fault.faultCode] ?? 'fault', message: r.fault.faultString };
    else if (r.body?.error) expected = { kind: 'error', name: r.body.error.data.name, message: r.body.error.data.message };
    else expected = { kind: 'result', value: r.result !== undefined ? r.result : r.body?.result };
    const volatile = (c.volatile ?? []).map((v: string) => v.replace(/^\/response\/(body\/)?result/, ''));
    steps.push({ id: c.id, sequence, login: c.user?.login ?? null, model, method, args, kwargs, expected, volatile, otherLayer: !model, viaFault: c.transport === 'xmlrpc' });
  }
  return steps;
}

/** XML-RPC faults carry only a code: code 2 covers UserError and every subclass (ValidationError…). */
function sameName(expected: string, actual: string, viaFault: boolean): boolean {
  if (expected === actual) return true;
  return viaFault && expected === 'odoo.exceptions.UserError' && actual.startsWith('odoo.exceptions.') && !['odoo.exceptions.AccessError', 'odoo.exceptions.AccessDenied'].includes(actual);
}

function stripVolatile(value: unknown, paths: string[], prefix = ''): unknown {
  if (paths.includes(prefix)) return '<volatile>';
  if (Array.isArray(value)) return value.map((v, i) => stripVolatile(v, paths, `${prefix}/${i}`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripVolatile(v, paths, `${prefix}/${k}`)]));
  }
  return value;
}

type Outcome = 'pass' | 'fail' | 'missing-behaviour' | 'other-layer';
const table: Array<{ sequence: string; counts: Record<Outcome, number>; failures: string[] }> = [];

afterAll(() => {
  const lines = ['sequence          pass  fail  missing-behaviour  other-layer'];
  for (const row of table) {
    lines.push(`${row.sequence.padEnd(17)} ${String(row.counts.pass).padStart(4)}  ${String(row.counts.fail).padStart(4)}  ${String(row.counts['missing-behaviour']).padStart(17)}  ${String(row.counts['other-layer']).padStart(11)}`);
  }
  for (const row of table) if (row.failures.length) lines.push(`${row.sequence} failures:\n  ${row.failures.join('\n  ')}`);
  console.log(lines.join('\n'));
});

const steps = loadSteps();
const sequences = [...new Set(steps.map((s) => s.sequence))];
let totalPassed = 0;

for (const sequence of sequences) {
  it(`replays ${sequence}`, { timeout: 300_000 }, async () => {
    const db = await odooRefDatabase();
    const engine = createFullOrmEngine({ database: { name: 'odoo_ref', pool: db.pool } });
    const counts: Record<Outcome, number> = { pass: 0, fail: 0, 'missing-behaviour': 0, 'other-layer': 0 };
    const failures: string[] = [];
    const users = { ...UIDS };
    try {
      for (const step of steps.filter((s) => s.sequence === sequence)) {
        if (step.otherLayer || !step.login) {
          counts['other-layer'] += 1;
          continue;
        }
        let uid = users[step.login];
        if (uid === undefined) {
          const r = await db.pool.query<{ id: number }>('SELECT id FROM res_users WHERE login = $1', [step.login]);
          uid = r.rows[0]?.id;
          if (uid !== undefined) users[step.login] = uid;
        }
        // An archived user's credentials are refused by the auth layer before the engine.
        const active = uid === undefined ? null : await db.pool.query<{ active: boolean }>('SELECT active FROM res_users WHERE id = $1', [uid]);
        if (uid === undefined || active?.rows[0]?.active === false) {
          counts['other-layer'] += 1;
          continue;
        }
        let outcome: Outcome;
        let detail = '';
        try {
          const value = await engine.call({ database: 'odoo_ref', uid, model: step.model, method: step.method, args: step.args, kwargs: step.kwargs });
          const got = value === undefined ? null : value;
          const want = step.expected.kind === 'result' ? (step.expected.value === undefined ? null : step.expected.value) : undefined;
          const ok = step.expected.kind === 'result' && JSON.stringify(stripVolatile(got, step.volatile)) === JSON.stringify(stripVolatile(want, step.volatile));
          outcome = ok ? 'pass' : 'fail';
          if (!ok) detail = `got ${JSON.stringify(got)?.slice(0, 160)} want ${JSON.stringify(step.expected).slice(0, 160)}`;
        } catch (error) {
          if (!(error instanceof OdooError)) throw error;
          if (error.message.startsWith('Ficus cannot run')) {
            outcome = 'missing-behaviour';
            detail = error.message;
          } else {
            const ok = step.expected.kind === 'error' && sameName(step.expected.name, error.exceptionName, step.viaFault) && step.expected.message === error.message;
            outcome = ok ? 'pass' : 'fail';
            if (!ok) detail = `got ${error.exceptionName}: ${JSON.stringify(error.message).slice(0, 200)} want ${JSON.stringify(step.expected).slice(0, 200)}`;
          }
        }
        counts[outcome] += 1;
        if (outcome !== 'pass') failures.push(`${step.id} ${step.model}.${step.method} [${outcome}] ${detail}`);
      }
    } finally {
      await db.drop();
    }
    table.push({ sequence, counts, failures });
    totalPassed += counts.pass;
    expect(counts.pass + counts.fail + counts['missing-behaviour'] + counts['other-layer']).toBeGreaterThan(0);
  });
}

it('passes at least the floor of golden sequence steps', () => {
  expect(totalPassed).toBeGreaterThanOrEqual(FLOOR_PASSED);
});
