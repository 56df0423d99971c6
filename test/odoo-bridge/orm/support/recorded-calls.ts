import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import { stringifyPythonJson } from '../../../../odoo-bridge/wire/json/python-json.ts';
import { legacyDatabase, odooRefDatabase, testFilestores, type TestDatabase } from '../../../support/databases.ts';
import { PROJECT_ROOT } from '../../../support/ficus-process.ts';

/**
 * What the tests replaying calls recorded from a real Odoo 18 (scripts/differential-odoo.py
 * --record, and the recorders like it) share: the fixture's lines, the full engine over fresh
 * copies of both databases, and an engine's answer in the form the recording holds.
 */

/** A recorded case in the golden format: the JSON-RPC `execute_kw` request and Odoo's answer. */
export interface RecordedCase {
  id: string;
  title: string;
  request: { body: { params: { args: unknown[] } } };
  response: { body: { result?: unknown; error?: { data: { name: string; message: string } } } };
}

/** The JSON lines of a fixture under the project root. */
export function jsonLines<T>(relativePath: string): T[] {
  return readFileSync(path.join(PROJECT_ROOT, relativePath), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

export type DatabaseName = 'odoo_ref' | 'hp_legacy';

/**
 * The full ORM engine over fresh copies of odoo_ref and hp_legacy, for the file's tests (made in
 * its beforeAll, dropped in its afterAll): the engines are filled in once the hook ran.
 */
export function recordedEngines(): { engines: Record<string, OrmEngine>; databases: Record<string, TestDatabase> } {
  const engines: Record<string, OrmEngine> = {};
  const databases: Record<string, TestDatabase> = {};
  beforeAll(async () => {
    databases.odoo_ref = await odooRefDatabase();
    databases.hp_legacy = await legacyDatabase();
    engines.odoo_ref = createFullOrmEngine({ database: { name: 'odoo_ref', pool: databases.odoo_ref.pool }, filestore: testFilestores().odooRef });
    engines.hp_legacy = createFullOrmEngine({ database: { name: 'hp_legacy', pool: databases.hp_legacy.pool }, filestore: testFilestores().legacy });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(Object.values(databases).map((db) => db.drop()));
  });
  return { engines, databases };
}

export interface EngineAnswer {
  /** The result as the wire carries it (Python JSON, parsed back). */
  result?: unknown;
  /** The exception's class, as Odoo names it. */
  error?: string;
  message?: string;
}

/** One call through `engine`, answered as the recording holds answers: a result, or an Odoo exception's name and text. */
export async function engineAnswer(engine: OrmEngine, call: { database: string; uid: number; model: string; method: string; args: unknown[]; kwargs?: Record<string, unknown> }): Promise<EngineAnswer> {
  try {
    const value = await engine.call({ ...call, kwargs: call.kwargs ?? {} });
    // A method returning None (check_access) answers null on the wire.
    return { result: value === undefined ? null : JSON.parse(stringifyPythonJson(value)) };
  } catch (error) {
    if (error instanceof OdooError) return { error: error.exceptionName, message: error.message };
    throw error;
  }
}

/** The call a recorded `execute_kw` case made: `[db, uid, password, model, method, args, kwargs]`. */
export function recordedCall(recorded: RecordedCase): { database: string; uid: number; model: string; method: string; args: unknown[]; kwargs: Record<string, unknown> } {
  const [database, uid, , model, method, args, kwargs] = recorded.request.body.params.args as [string, number, string, string, string, unknown[], Record<string, unknown> | undefined];
  return { database, uid, model, method, args, kwargs: kwargs ?? {} };
}

/**
 * The engine's answer to a recorded call beside the recorded one, in the same shape: the
 * exception's name and message (its first line with `firstLine`, where the rest names ids or
 * groups that differ by design), or the result (a method returning None answers null; Odoo's
 * JSON-RPC leaves `result` out). `normalize` drops volatile values from both results.
 */
export async function answerBesideRecorded(
  engines: Record<string, OrmEngine>,
  recorded: RecordedCase,
  o: { firstLine?: boolean; normalize?: (result: unknown) => unknown } = {},
): Promise<{ actual: unknown; expected: unknown }> {
  const call = recordedCall(recorded);
  const got = await engineAnswer(engines[call.database]!, call);
  const body = recorded.response.body;
  const text = (message: string | undefined) => (o.firstLine ? message?.split('\n')[0] : message);
  const normalize = o.normalize ?? ((result: unknown) => result);
  if (body.error) return { actual: { error: got.error, message: text(got.message) }, expected: { error: body.error.data.name, message: text(body.error.data.message) } };
  if (got.error) return { actual: { error: got.error, message: got.message }, expected: { result: 'result' in body ? normalize(body.result) : null } };
  return { actual: { result: normalize(got.result) }, expected: { result: 'result' in body ? normalize(body.result) : null } };
}

/**
 * One test per recorded case: Ficus's answer equals Odoo's, and a case listed in `known` (its id →
 * why) must differ from it, so a fixed one is noticed. `mask` hides what differs by nature on both sides.
 */
export function itAnswersEachCaseAsRecorded(
  engines: Record<string, OrmEngine>,
  cases: readonly RecordedCase[],
  o: { known?: Readonly<Record<string, string>>; mask?: (answer: unknown) => unknown } = {},
): void {
  const mask = o.mask ?? ((answer: unknown) => answer);
  for (const recorded of cases) {
    const known = o.known?.[recorded.id];
    it(`${recorded.id} ${recorded.title}${known ? ' (known difference)' : ''}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      if (known) expect(mask(actual)).not.toEqual(mask(expected));
      else expect(mask(actual)).toEqual(mask(expected));
    });
  }
}

/**
 * An answer with each timestamp its message shows (the log columns' `cr.now()`, whole or cut by
 * libpq's excerpt) replaced by as many `#`: the length stays, so the excerpt's cut is compared too.
 */
export function withTimestampsMasked(answer: unknown): unknown {
  if (!answer || typeof answer !== 'object' || typeof (answer as { message?: unknown }).message !== 'string') return answer;
  const message = (answer as { message: string }).message.replace(/\d[\d\-: .]*:[\d\-: .]*\d/g, (stamp) => '#'.repeat(stamp.length));
  return { ...answer, message };
}
