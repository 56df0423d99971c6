import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import ai from '../../../services/ai/index.ts';
import { startIsolationStack, type IsolationStack } from '../../support/isolation-stack.ts';
import { ISOLATION_PROTOCOLS, type IsolationProtocolName } from '../ec/isolation-protocols.ts';
import { AI_SYNC_LOCK } from './golden-ai-cutover-stack.ts';
import { AREA_NAMES, attemptLabels, attemptsOf, breachOf, guardedRows, PERSONAL_MODELS, type Area, type Target } from './isolation-attempts.ts';
import { REST_ATTEMPTS } from './isolation-rest.ts';

/**
 * SERVICES.md §6 for ai: hp.ai.generation.task and hp.ai.insight are the personal models of M16.
 * For any attacker, any victim, any of the calls below and any Odoo protocol (XML-RPC, JSON-RPC
 * execute_kw, /web/dataset/call_kw with a web session, JSON-2 with an API key):
 * - a member (or a coach, a member by implied group) neither sees nor changes another member's
 *   generation tasks or insights: reads are AccessErrors, searches, counts, groups and name
 *   searches show none of them, writes, action_run/done/fail, copies, deletes and creates in their
 *   name are AccessErrors (hp_ai's record rules; members create tasks but write neither model);
 * - a member reads the AI models but changes none of them.
 * A refusal leaves the guarded rows as they were (checked in SQL where the rows live). Then the
 * same over the ai REST routes. Both phases on one stack: M16 in phase legacy (the gateway's engine
 * over the monolith's tables, ai backfilled as its REST routes need), then after its cutover to
 * svc_ai. Operators are not attackers: their rules show every task and insight.
 */

/** Attackers: members 095, 159, 003, 002 (nothing of its own) and coach014. Victims: members with tasks and insights. */
const ATTACKERS = [100, 164, 8, 7, 259];
const VICTIMS = [100, 164, 8, 6];
const PROTOCOLS = Object.keys(ISOLATION_PROTOCOLS) as IsolationProtocolName[];
const RANDOM_RUNS = Number(process.env.ISOLATION_RUNS ?? 60);

interface Draw {
  area: Area;
  attacker: number;
  victim: number;
  label: number;
  row: number;
  protocol: IsolationProtocolName;
}

const pair = fc.constantFrom(...ATTACKERS).chain((attacker) => fc.constantFrom(...VICTIMS.filter((v) => v !== attacker)).map((victim) => ({ attacker, victim })));
const draws: fc.Arbitrary<Draw> = fc
  .record({ area: fc.constantFrom(...AREA_NAMES), who: pair, label: fc.nat({ max: 1000 }), row: fc.nat({ max: 1000 }), protocol: fc.constantFrom(...PROTOCOLS) })
  .map(({ who, ...rest }) => ({ ...rest, ...who }));

/** Every (area, attempt, protocol) once, attackers and victims taking turns; the random draws come on top. */
function everyCombination(): [Draw][] {
  const out: [Draw][] = [];
  for (const area of AREA_NAMES) {
    attemptLabels(area).forEach((_, label) => {
      for (const protocol of PROTOCOLS) {
        const attacker = ATTACKERS[out.length % ATTACKERS.length]!;
        const others = VICTIMS.filter((v) => v !== attacker);
        out.push([{ area, attacker, victim: others[out.length % others.length]!, label, row: out.length, protocol }]);
      }
    });
  }
  return out;
}

let stack: IsolationStack;

/** The target of a draw on the current rows: one of the victim's tasks or insights, or an AI model. */
async function targetOf(d: { area: Area; attacker: number; victim: number; row: number }): Promise<Target> {
  const pool = stack.rows();
  if (d.area === 'models') {
    const rowIds = (await pool.query<{ id: number }>('SELECT id FROM ai_models ORDER BY id')).rows.map((r) => r.id);
    return { attacker: d.attacker, victim: 0, rowId: rowIds[d.row % rowIds.length]!, victimIds: [] };
  }
  const { table, owner } = PERSONAL_MODELS[d.area];
  const of = `SELECT id FROM ${table} WHERE ${owner} = $1 ORDER BY id`;
  const victimIds = (await pool.query<{ id: number }>(of, [d.victim])).rows.map((r) => r.id);
  expect(victimIds.length, `user ${d.victim} has ${d.area}`).toBeGreaterThan(0);
  const ownId = (await pool.query<{ id: number }>(of, [d.attacker])).rows[0]?.id;
  // Service orders stay the monolith's (M04): the victim's first (or, when it has none, another member's) that no rule shows the attacker (not its own, not paid-and-unassigned, not assigned to it).
  const serviceOrderId = (await stack.legacy.pool.query<{ id: number }>(
    `SELECT id FROM service_orders WHERE customer_id <> $2 AND state <> 'paid' AND health_worker_id IS DISTINCT FROM $2
      ORDER BY (customer_id = $1) DESC, id LIMIT 1`, [d.victim, d.attacker])).rows[0]?.id;
  return { attacker: d.attacker, victim: d.victim, rowId: victimIds[d.row % victimIds.length]!, victimIds, ...(ownId ? { ownId } : {}), ...(serviceOrderId ? { serviceOrderId } : {}) };
}

const SERVICE_ROUTES = ai.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
/** REST attempts whose route is in ai's table (routes land as the parts are built). */
const RUNNABLE_REST = Object.fromEntries(Object.entries(REST_ATTEMPTS).filter(([, a]) => SERVICE_ROUTES.includes(a.route)));

beforeAll(async () => {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  stack = await startIsolationStack(ai, { lock: AI_SYNC_LOCK, logger, uids: ATTACKERS });
  // As `ficus start` before a cut: ai holds its copy (its REST routes answer 503 without one), the monolith owns the modules.
  await stack.backfill();
}, 360_000);
afterAll(async () => {
  await stack?.stop();
});

describe.sequential.each(['legacy', 'service'] as const)('ai isolation with M16 in phase %s', (phase) => {
  it('is in that phase', { timeout: 240_000 }, async () => {
    if (phase === 'service') await stack.cutOver();
    expect(stack.phase()).toBe(phase);
  });

  it("a member neither sees nor changes another member's AI tasks and insights, and changes no AI model, over any Odoo protocol and method", { timeout: 900_000 }, async () => {
    const breaches: string[] = [];
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(draws, async (d) => {
        const target = await targetOf(d);
        const attempts = attemptsOf(d.area, target);
        const labels = Object.keys(attempts);
        const label = labels[d.label % labels.length]!;
        const attempt = attempts[label]!;
        seen.add(`${d.area} ${label} ${d.protocol}`);
        const before = await guardedRows(stack.rows(), d.area, d.victim);
        const answer = await ISOLATION_PROTOCOLS[d.protocol](stack.stack.gatewayUrl, stack.callers.get(d.attacker)!, attempt.model, attempt.method, attempt.args, attempt.kwargs ?? {});
        const breach = breachOf(attempt, answer, before, await guardedRows(stack.rows(), d.area, d.victim));
        if (breach) breaches.push(`${d.protocol} ${d.area} ${label} by ${d.attacker}${target.victim ? ` on ${d.victim}` : ''} (row ${target.rowId}): ${breach}`);
      }),
      { numRuns: everyCombination().length + RANDOM_RUNS, examples: everyCombination() },
    );
    console.log(`ai isolation (phase ${phase}), Odoo protocols: ${seen.size} area/method/protocol combinations, ${breaches.length} breaches${breaches.length ? `\n${breaches.slice(0, 30).join('\n')}` : ''}`);
    expect(breaches).toEqual([]);
    expect(seen.size).toBe(everyCombination().length);
  });

  it('the same over the ai REST routes', { timeout: 600_000 }, async () => {
    const names = Object.keys(RUNNABLE_REST);
    expect(names.length).toBeGreaterThan(0);
    const breaches: string[] = [];
    const seen = new Set<string>();
    const examples = names.map((name, i): [{ name: string; attacker: number; victim: number; row: number }] => {
      const attacker = ATTACKERS[i % ATTACKERS.length]!;
      const others = VICTIMS.filter((v) => v !== attacker);
      return [{ name, attacker, victim: others[i % others.length]!, row: i }];
    });
    const restDraws = fc.constantFrom(...names).chain((name) => pair.chain((who) => fc.nat({ max: 1000 }).map((row) => ({ name, ...who, row }))));
    await fc.assert(
      fc.asyncProperty(restDraws, async (d) => {
        const rest = RUNNABLE_REST[d.name]!;
        const target = await targetOf({ area: rest.area, ...d });
        seen.add(d.name);
        const before = await guardedRows(stack.rows(), rest.area, d.victim);
        const request = rest.request(target);
        const response = await fetch(`${stack.stack.gatewayUrl}${request.path}`, {
          method: request.method,
          headers: { authorization: `Bearer ${stack.tokenOf(d.attacker)}`, ...(request.method === 'POST' ? { 'idempotency-key': randomUUID() } : {}), ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        });
        const text = await response.text();
        const body: unknown = text ? JSON.parse(text) : null;
        const after = await guardedRows(stack.rows(), rest.area, d.victim);
        const breach = before !== after ? `the guarded rows changed (${response.status} ${text.slice(0, 200)})` : rest.verdict(response.status, body, target);
        if (breach) breaches.push(`${d.name} by ${d.attacker}${target.victim ? ` on ${d.victim}` : ''}: ${breach}`);
      }),
      { numRuns: examples.length + Math.ceil(RANDOM_RUNS / 2), examples },
    );
    console.log(`ai isolation (phase ${phase}), REST: ${seen.size} attempts on ${new Set(Object.values(RUNNABLE_REST).map((a) => a.route)).size} routes, ${breaches.length} breaches${breaches.length ? `\n${breaches.slice(0, 30).join('\n')}` : ''}`);
    expect(breaches).toEqual([]);
    expect(seen.size).toBe(names.length);
  });
});

describe('the REST isolation property', () => {
  it("covers every ai route that shows or changes a member's tasks or insights", () => {
    const covered = new Set(Object.values(REST_ATTEMPTS).map((a) => a.route));
    // Routes that act for the caller only and hold no other member's rows are listed by the ai helpers as they land.
    const withoutPrivateData = new Set<string>([]);
    expect(SERVICE_ROUTES.filter((r) => !covered.has(r) && !withoutPrivateData.has(r))).toEqual([]);
  });
});
