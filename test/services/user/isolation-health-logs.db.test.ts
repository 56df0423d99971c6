import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { startUserIsolationStack, type UserIsolationStack } from './support/isolation-stack.ts';
import { ODOO_PROTOCOLS, type OdooAnswer, type OdooProtocolName } from './support/odoo-protocols.ts';

/**
 * Health values never reach a log line (platform/redaction.ts): with every logger of the stack
 * (gateway, migration runtime, syncs, the user service) at `trace` into one captured stream,
 * members and a coach write and read health records, goals and assessments over every Odoo
 * protocol and the REST routes, successes and refusals (a value of the wrong type, another
 * member's row: errors whose messages could quote a value), before and after M02's cutover.
 * Every value written is a marker that occurs nowhere else; none may be in the captured lines,
 * while the lines do tell of the calls (so the capture is known to work).
 */

const MEMBER = 6;
const OTHER_MEMBER = 8;
const COACH = 284;

/** Markers per phase, so that a value of the first phase found later is told apart. */
function markers(phase: string) {
  const n = phase === 'legacy' ? 1 : 2;
  return {
    value: 73519.25 + n, // a reading
    value2: 4187.5 + n,
    note: `note-zq81-${phase}`,
    unit: `uq-unit-93${phase}`,
    target: 86421.5 + n, // a goal's target
    progress: 61234.75 + n, // action_record_progress's value
    badValue: `bad-val-xy17-${phase}`, // a value Odoo cannot convert (its error quotes it)
    score: 57 + n, // assessment scores are 0-100: found by the key, below
    answers: `ans-mk55-${phase}`,
    summary: `sum-kk42-${phase}`,
    restValue: 91827.5 + n,
  };
}

let stack: UserIsolationStack;
let captured = '';
const sink = new Writable({
  write(chunk, _encoding, done) {
    captured += chunk.toString();
    done();
  },
});

beforeAll(async () => {
  const logger = createLogger({ level: 'trace', format: 'json', destination: sink });
  stack = await startUserIsolationStack(logger, [MEMBER, OTHER_MEMBER, COACH]);
  await stack.backfill();
}, 360_000);
afterAll(async () => {
  await stack?.stop();
});

async function drive(phase: 'legacy' | 'service'): Promise<string[]> {
  const m = markers(phase);
  const problems: string[] = [];
  const call = async (protocol: OdooProtocolName, uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<OdooAnswer> =>
    ODOO_PROTOCOLS[protocol](stack.stack.gatewayUrl, stack.callers.get(uid)!, model, method, args, kwargs);
  const mustSucceed = async (work: Promise<OdooAnswer>, what: string) => {
    const answer = await work;
    if (!answer.ok) problems.push(`${what}: ${answer.error} ${answer.raw.slice(0, 200)}`);
    return answer.ok ? answer.result : undefined;
  };
  const mustFail = async (work: Promise<OdooAnswer>, what: string) => {
    const answer = await work;
    if (answer.ok) problems.push(`${what} was accepted`);
  };

  for (const protocol of Object.keys(ODOO_PROTOCOLS) as OdooProtocolName[]) {
    const record = await mustSucceed(call(protocol, MEMBER, 'hp.health.record', 'create', [{ user_id: MEMBER, record_type: 'blood_pressure', value: m.value, value2: m.value2, unit: m.unit, note: m.note, measured_at: '2026-12-01 08:00:00' }]), `${protocol} create record`);
    const id = Array.isArray(record) ? (record[0] as number) : (record as number);
    await mustSucceed(call(protocol, MEMBER, 'hp.health.record', 'read', [[id]], { fields: ['value', 'value2', 'unit', 'note'] }), `${protocol} read`);
    await mustSucceed(call(protocol, MEMBER, 'hp.health.record', 'search_read', [[['value', '=', m.value]]], { fields: ['value', 'note'] }), `${protocol} search_read`);
    await mustSucceed(call(protocol, MEMBER, 'hp.health.record', 'read_group', [[['note', '=', m.note]], ['value:sum'], ['record_type']]), `${protocol} read_group`);
    await mustSucceed(call(protocol, MEMBER, 'hp.health.record', 'write', [[id], { note: `${m.note}-w`, value: m.value }]), `${protocol} write`);
    await mustSucceed(call(protocol, COACH, 'hp.health.record', 'read', [[id]], { fields: ['value', 'note'] }), `${protocol} coach read`);
    await mustFail(call(protocol, OTHER_MEMBER, 'hp.health.record', 'read', [[id]], { fields: ['value', 'note'] }), `${protocol} another member's read`);
    await mustFail(call(protocol, OTHER_MEMBER, 'hp.health.record', 'write', [[id], { value: m.value, note: m.note }]), `${protocol} another member's write`);
    await mustFail(call(protocol, MEMBER, 'hp.health.record', 'create', [{ user_id: MEMBER, record_type: 'weight', value: m.badValue, note: m.note, measured_at: '2026-12-01 08:00:00' }]), `${protocol} create with a bad value`);
    await mustFail(call(protocol, MEMBER, 'hp.health.record', 'create', [{ user_id: OTHER_MEMBER, record_type: 'weight', value: m.value, note: m.note, measured_at: '2026-12-01 08:00:00' }]), `${protocol} create for another member`);

    const goal = await mustSucceed(call(protocol, MEMBER, 'hp.health.goal', 'create', [{ user_id: MEMBER, goal_type: 'steps', target_value: m.target, start_date: '2026-12-01' }]), `${protocol} create goal`);
    const goalId = Array.isArray(goal) ? (goal[0] as number) : (goal as number);
    await mustSucceed(call(protocol, MEMBER, 'hp.health.goal', 'action_record_progress', [[goalId], m.progress]), `${protocol} action_record_progress`);
    await mustFail(call(protocol, MEMBER, 'hp.health.goal', 'action_record_progress', [[goalId], m.badValue]), `${protocol} action_record_progress with a bad value`);
    await mustSucceed(call(protocol, MEMBER, 'hp.health.goal', 'read', [[goalId]], { fields: ['target_value', 'current_value', 'progress'] }), `${protocol} read goal`);

    const assessment = await mustSucceed(call(protocol, COACH, 'hp.assessment', 'create', [{ user_id: MEMBER, coach_id: COACH, score: m.score, answers: { marker: m.answers }, summary: `<p>${m.summary}</p>` }]), `${protocol} create assessment`);
    const assessmentId = Array.isArray(assessment) ? (assessment[0] as number) : (assessment as number);
    await mustSucceed(call(protocol, MEMBER, 'hp.assessment', 'read', [[assessmentId]], { fields: ['score', 'risk_level', 'answers', 'summary'] }), `${protocol} read assessment`);
    await mustFail(call(protocol, MEMBER, 'hp.assessment', 'write', [[assessmentId], { score: m.score, summary: m.summary }]), `${protocol} member writes an assessment`);
  }

  // REST: a health action with its value, the member's data raw and aggregated, a refusal.
  const rest = async (uid: number, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.stack.gatewayUrl}${path}`, {
      method, headers: { authorization: `Bearer ${stack.tokenOf(uid)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  };
  const action = await rest(MEMBER, 'POST', `/users/${MEMBER}/health-actions`, { recordType: 'weight', value: m.restValue, note: m.note });
  if (action.status >= 300) problems.push(`REST health action: ${action.status} ${action.text.slice(0, 200)}`);
  for (const path of [`/users/${MEMBER}/health-data?limit=50`, `/users/${MEMBER}/health-data?aggregate=day&limit=50`, `/users/${MEMBER}/health-goals`]) {
    const read = await rest(MEMBER, 'GET', path);
    if (read.status !== 200) problems.push(`REST ${path}: ${read.status} ${read.text.slice(0, 200)}`);
  }
  if ((await rest(OTHER_MEMBER, 'GET', `/users/${MEMBER}/health-data`)).status === 200) problems.push("REST: another member read the member's health data");
  const refusedValue = await rest(MEMBER, 'POST', `/users/${MEMBER}/health-actions`, { recordType: 'weight', value: m.badValue });
  if (refusedValue.status !== 400) problems.push(`REST bad value: ${refusedValue.status}`);
  return problems;
}

/** Where a marker shows up in the captured lines, or nothing. */
function leaks(phase: string): string[] {
  const m = markers(phase);
  const found: string[] = [];
  const lines = captured.split('\n').filter((l) => l.trim());
  const texts = [m.value, m.value2, m.target, m.progress, m.restValue].map(String).concat([m.note, m.unit, m.badValue, m.answers, m.summary]);
  for (const text of texts) {
    const line = lines.find((l) => l.includes(text));
    if (line) found.push(`${text} in ${line.slice(0, 400)}`);
  }
  // Scores are small numbers that other fields carry too: look for them under score-like keys.
  const scoreLine = lines.find((l) => new RegExp(`"score"\\s*:\\s*${m.score}\\b`).test(l));
  if (scoreLine) found.push(`score ${m.score} in ${scoreLine.slice(0, 400)}`);
  return found;
}

describe('health values in logs', () => {
  for (const phase of ['legacy', 'service'] as const) it(`never appear, with M02 in phase ${phase}`, { timeout: 600_000 }, async () => {
    if (phase === 'service') await stack.cutOver();
    expect(stack.phase()).toBe(phase);
    const linesBefore = captured.split('\n').length;
    const problems = await drive(phase);
    expect(problems).toEqual([]);
    // Give the syncs and the outbox a moment to log whatever they log about these writes.
    await new Promise((r) => setTimeout(r, 1500));
    const newLines = captured.split('\n').slice(linesBefore - 1);
    // The capture works: the calls of this phase were logged (the call observer's `odoo call` lines).
    expect(newLines.filter((l) => l.includes('"odoo call"') && l.includes('hp.health.record')).length).toBeGreaterThan(10);
    expect(leaks(phase)).toEqual([]);
  });
});
