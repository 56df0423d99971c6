import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect } from 'kysely';
import { createLogger } from '../../../platform/logger.ts';
import { SearchIndexer } from '../../../services/content/domain/search-indexer.ts';
import content from '../../../services/content/index.ts';
import { PostgresSearchBackend } from '../../../services/kit/search/postgres-backend.ts';
import { startIsolationStack, type IsolationStack } from '../../support/isolation-stack.ts';
import { ISOLATION_PROTOCOLS } from '../ec/isolation-protocols.ts';
import type { OdooProtocol } from '../user/support/odoo-protocols.ts';
import { CONTENT_SYNC_LOCK } from './golden-content-cutover-stack.ts';
import { AREA_NAMES, attemptLabels, attemptsOf, breachOf, guardedRows, targetOf, type Area } from './isolation-attempts.ts';
import { REST_ATTEMPTS } from './isolation-rest.ts';

/**
 * SERVICES.md §6 for content. hp_knowledge, hp_community and hp_qa ship no record rule, so in the
 * monolith any member reads every purchase, draft, paid body, hidden post (and its comments) and
 * closed question (and its answers). Content closes those holes with the rules it declares, on
 * every protocol and in both phases. For any attacker (plain members, and coach002, a coach with a
 * draft of their own), any row of those kinds the attacker may not see, any call below and any Odoo
 * protocol (XML-RPC, JSON-RPC execute_kw, /web/dataset/call_kw with a web session, JSON-2 with an
 * API key): reads are AccessErrors; searches, counts, groups, name searches and exports show none
 * of them; writes, business methods (action_publish, action_like, action_hide, action_close,
 * action_vote, action_accept), copies, deletes and creates on them or in the owner's name are
 * refused and leave the rows as they were (checked in SQL where the rows live); a paid body is
 * answered empty (False), in reads, domains and exports. Then the same over content's REST routes
 * and its search endpoint (each attempt runs once its route is in content's table). Both phases
 * on one stack: M06/M11/M12 in phase legacy (the gateway's engine over the monolith's tables,
 * content backfilled as its REST routes need), then after their cutover to svc_content.
 */

/** member087, member132, member227, member001 (plain members) and coach002 (author of the draft 38). */
const ATTACKERS = [92, 137, 232, 6, 247];
const RANDOM_RUNS = Number(process.env.ISOLATION_RUNS ?? 24);

/** JSON-2 names export_data's arguments itself; every other call goes as ec's isolation property sends it. */
const json2: OdooProtocol = async (base, caller, model, method, args, kwargs) => {
  if (method !== 'export_data') return ISOLATION_PROTOCOLS.json2(base, caller, model, method, args, kwargs);
  const response = await fetch(`${base}/json/2/${model}/export_data`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `bearer ${caller.apiKey}`, 'x-odoo-database': 'hp_legacy' },
    body: JSON.stringify({ ids: args[0], fields_to_export: args[1], ...kwargs }),
  });
  const raw = await response.text();
  if (response.ok) return { ok: true, result: JSON.parse(raw) as unknown, raw };
  return { ok: false, error: (JSON.parse(raw) as { name?: string }).name ?? `HTTP ${response.status}`, raw };
};
const PROTOCOLS: Record<string, OdooProtocol> = { ...ISOLATION_PROTOCOLS, json2 };
const PROTOCOL_NAMES = Object.keys(PROTOCOLS);

interface Draw {
  area: Area;
  attacker: number;
  label: number;
  row: number;
  protocol: string;
}

const draws: fc.Arbitrary<Draw> = fc.record({
  area: fc.constantFrom(...AREA_NAMES),
  attacker: fc.constantFrom(...ATTACKERS),
  label: fc.nat({ max: 1000 }),
  row: fc.nat({ max: 1000 }),
  protocol: fc.constantFrom(...PROTOCOL_NAMES),
});

/**
 * Every (area, attempt) once, the protocols and attackers taking turns (each protocol meets every
 * area several times); the random draws come on top. Every combination of the four protocols
 * would be four times as long for little more: the protocols share the engine's access checks,
 * and the wire layers are tested on their own.
 */
function everyAttempt(): [Draw][] {
  const out: [Draw][] = [];
  for (const area of AREA_NAMES) {
    attemptLabels(area).forEach((_, label) => {
      const n = out.length;
      out.push([{ area, attacker: ATTACKERS[n % ATTACKERS.length]!, label, row: n * 7, protocol: PROTOCOL_NAMES[n % PROTOCOL_NAMES.length]! }]);
    });
  }
  return out;
}

let stack: IsolationStack;

const SERVICE_ROUTES = content.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
/** REST attempts whose route is in content's table. */
const runnableRest = () => Object.fromEntries(Object.entries(REST_ATTEMPTS).filter(([, a]) => SERVICE_ROUTES.includes(a.route)));

beforeAll(async () => {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  stack = await startIsolationStack(content, { lock: CONTENT_SYNC_LOCK, logger, uids: ATTACKERS });
  // The export right (base.group_allow_export) for the attackers: without it export_data stops at a
  // UserError before any record rule, and the exports below would prove nothing.
  await stack.legacy.pool.query(
    `INSERT INTO res_groups_users_rel (gid, uid) SELECT d.res_id, u FROM ir_model_data d, unnest($1::int4[]) u
      WHERE d.module = 'base' AND d.name = 'group_allow_export' ON CONFLICT DO NOTHING`,
    [ATTACKERS],
  );
  // As `ficus start` before a cut: content holds its copy (its REST routes answer 503 without one), the monolith owns the modules.
  await stack.backfill();
  // The search index built once from the copy, as `ficus search rebuild` does: the attempts below
  // change nothing, and GET /search answers 503 while no index was ever built.
  const pool = stack.service.pool;
  await new SearchIndexer({ backend: new PostgresSearchBackend({ pool }), ports: { db: new Kysely<any>({ dialect: new PostgresDialect({ pool }) }), pool, legacyPool: stack.legacy.pool } }).rebuild();
}, 360_000);
afterAll(async () => {
  await stack?.stop();
});

describe.sequential.each(['legacy', 'service'] as const)('content isolation with M06, M11 and M12 in phase %s', (phase) => {
  it('is in that phase', { timeout: 240_000 }, async () => {
    if (phase === 'service') await stack.cutOver();
    expect(stack.phase()).toBe(phase);
  });

  it('the attackers export their own rows (they hold the export right, so an export meets the rules)', { timeout: 60_000 }, async () => {
    const member = stack.callers.get(92)!;
    const answer = await PROTOCOLS.jsonrpc!(stack.stack.gatewayUrl, member, 'hp.content.purchase', 'export_data', [[100], ['id', 'amount']], {});
    expect(answer.ok, answer.raw.slice(0, 300)).toBe(true);
    expect((answer as { result: { datas: unknown[][] } }).result.datas).toHaveLength(1);
  });

  it("a member sees and changes none of another member's purchases, drafts, paid bodies, hidden posts and their comments, closed questions and their answers, over any Odoo protocol and method", { timeout: 600_000 }, async () => {
    const breaches: string[] = [];
    const seen = new Set<string>();
    const examples = everyAttempt();
    await fc.assert(
      fc.asyncProperty(draws, async (d) => {
        const target = await targetOf(stack.rows(), d.area, d.attacker, d.row);
        const attempts = attemptsOf(d.area, target);
        const labels = Object.keys(attempts);
        const label = labels[d.label % labels.length]!;
        const attempt = attempts[label]!;
        seen.add(`${d.area} ${label}`);
        const before = await guardedRows(stack.rows(), d.area, target);
        const answer = await PROTOCOLS[d.protocol]!(stack.stack.gatewayUrl, stack.callers.get(d.attacker)!, attempt.model, attempt.method, attempt.args, attempt.kwargs ?? {});
        const breach = breachOf(attempt, target, answer, before, await guardedRows(stack.rows(), d.area, target));
        if (breach) breaches.push(`${d.protocol} ${d.area} ${label} by ${d.attacker} on ${target.victim}'s row ${target.rowId}: ${breach}`);
      }),
      { numRuns: examples.length + RANDOM_RUNS, examples },
    );
    console.log(`content isolation (phase ${phase}), Odoo protocols: ${seen.size} area/method combinations over ${PROTOCOL_NAMES.length} protocols, ${examples.length + RANDOM_RUNS} calls, ${breaches.length} breaches${breaches.length ? `\n${breaches.slice(0, 40).join('\n')}` : ''}`);
    expect(breaches).toEqual([]);
    expect(seen.size).toBe(examples.length);
  });

  it('the lists and the search still show a member its own hidden rows (the attempts below are not judged on empty answers)', { timeout: 60_000 }, async () => {
    const get = async (path: string) => (await (await fetch(`${stack.stack.gatewayUrl}${path}`, { headers: { authorization: `Bearer ${stack.tokenOf(92)}` } })).json()) as { items?: { id: number }[]; hits?: { kind: string; id: number }[] };
    // member087's own hidden post 205 ('体检报告解读求助') and its purchases 100, 212, 348.
    expect((await get('/communities/posts?state=hidden&limit=100')).items?.map((p) => p.id)).toEqual([205]);
    expect((await get(`/search?kinds=post&limit=50&q=${encodeURIComponent('体检报告解读求助')}`)).hits?.map((h) => h.id)).toContain(205);
    expect((await get('/contents/purchases?limit=100')).items?.map((p) => p.id).sort()).toEqual([100, 212, 348]);
  });

  it('the same over the content REST routes and the search endpoint', { timeout: 300_000 }, async () => {
    const rest = runnableRest();
    const names = Object.keys(rest);
    expect(names.length).toBeGreaterThan(0);
    const breaches: string[] = [];
    const seen = new Set<string>();
    const examples = names.map((name, i): [{ name: string; attacker: number; row: number }] => [{ name, attacker: ATTACKERS[i % ATTACKERS.length]!, row: i * 5 }]);
    const restDraws = fc.record({ name: fc.constantFrom(...names), attacker: fc.constantFrom(...ATTACKERS), row: fc.nat({ max: 1000 }) });
    await fc.assert(
      fc.asyncProperty(restDraws, async (d) => {
        const a = rest[d.name]!;
        const target = await targetOf(stack.rows(), a.area, d.attacker, d.row);
        seen.add(d.name);
        const before = await guardedRows(stack.rows(), a.area, target);
        const request = a.request(target);
        const response = await fetch(`${stack.stack.gatewayUrl}${request.path}`, {
          method: request.method,
          headers: {
            authorization: `Bearer ${stack.tokenOf(d.attacker)}`,
            ...(request.method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        });
        const text = await response.text();
        const body: unknown = text ? JSON.parse(text) : null;
        const after = await guardedRows(stack.rows(), a.area, target);
        const breach = before !== after ? `the guarded rows changed (${response.status} ${text.slice(0, 200)})` : a.verdict(response.status, body, target);
        if (breach) breaches.push(`${d.name} by ${d.attacker} on ${target.victim}'s row ${target.rowId}: ${breach}`);
      }),
      { numRuns: examples.length + Math.ceil(RANDOM_RUNS / 2), examples },
    );
    console.log(`content isolation (phase ${phase}), REST: ${seen.size} attempts on ${new Set(Object.values(rest).map((a) => a.route)).size} routes, ${breaches.length} breaches${breaches.length ? `\n${breaches.slice(0, 30).join('\n')}` : ''}`);
    expect(breaches).toEqual([]);
    expect(seen.size).toBe(names.length);
  });
});

describe('the REST isolation property', () => {
  it('covers every content route that shows or changes what a member keeps to themselves', () => {
    const covered = new Set(Object.values(REST_ATTEMPTS).map((a) => a.route));
    // Creating one's own rows: nothing of another member's is read or changed (the rules refuse a create in another's name; the routes take no owner).
    const ownRowsOnly = new Set(['POST /communities/posts', 'POST /qna/questions']);
    expect(SERVICE_ROUTES.filter((r) => !covered.has(r) && !ownRowsOnly.has(r))).toEqual([]);
  });
});
