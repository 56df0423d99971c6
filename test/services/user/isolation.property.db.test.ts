import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { attemptLabels, attemptsOn, rowsOf } from './support/isolation-calls.ts';
import { M02_MODELS, startUserIsolationStack, type M02Model, type UserIsolationStack } from './support/isolation-stack.ts';
import { isolationBreach } from './support/isolation-verdict.ts';
import { ODOO_PROTOCOLS, type OdooProtocolName } from './support/odoo-protocols.ts';
import user from '../../../services/user/index.ts';
import { FHIR_ATTEMPTS, REST_ATTEMPTS, restBreach, type RestAttempt } from './support/isolation-rest.ts';

/**
 * hp_personal's promise (legacy README, record rules): a member sees and changes only their own
 * health records, device bindings, goals and assessments. For any member, any other member
 * (the victim), any of the four models, any method (read, web_read, search_read, search,
 * search_count, read_group with its aggregates, name_search, write, unlink, copy, create with the
 * victim's user_id, the business methods) and any Odoo protocol (XML-RPC, JSON-RPC execute_kw,
 * /web/dataset/call_kw with a web session, JSON-2 with an API key), the attacker neither sees
 * nor changes the victim's rows: reads of the victim's ids are AccessErrors, searches find
 * nothing of theirs, aggregates count and sum the attacker's rows alone (checked against SQL),
 * writes are AccessErrors that leave the victim's rows as they were. Then the same over the
 * user service's REST and FHIR routes. Both phases run on one stack: first with M02 in phase
 * legacy (the gateway's engine over the monolith's tables; the service backfilled, as its REST
 * routes need), then after M02's cutover to svc_user.
 */

/** Members with rows in all four models (victims), and attackers among them plus members with few or none (member001: no goal; merchant004: nothing). */
const VICTIMS = [8, 17, 19, 20];
const ATTACKERS = [6, 8, 13, 17, 19, 20, 289];
const MODELS = Object.keys(M02_MODELS) as M02Model[];
const PROTOCOLS = Object.keys(ODOO_PROTOCOLS) as OdooProtocolName[];
const RANDOM_RUNS = Number(process.env.ISOLATION_RUNS ?? 120);

interface Draw {
  attacker: number;
  victim: number;
  model: M02Model;
  label: number;
  protocol: OdooProtocolName;
}

const pair = fc.constantFrom(...ATTACKERS).chain((attacker) => fc.constantFrom(...VICTIMS.filter((v) => v !== attacker)).map((victim) => ({ attacker, victim })));
const draws: fc.Arbitrary<Draw> = fc
  .record({ who: pair, model: fc.constantFrom(...MODELS), label: fc.nat({ max: 1000 }), protocol: fc.constantFrom(...PROTOCOLS) })
  .map(({ who, ...rest }) => ({ ...who, ...rest }));

/** Every (model, method, protocol) once, with attackers and victims taking turns: the random draws come on top. */
function everyCombination(): [Draw][] {
  const out: [Draw][] = [];
  for (const model of MODELS) {
    attemptLabels(model).forEach((_, label) => {
      for (const protocol of PROTOCOLS) {
        const attacker = ATTACKERS[out.length % ATTACKERS.length]!;
        const victims = VICTIMS.filter((v) => v !== attacker);
        out.push([{ attacker, victim: victims[out.length % victims.length]!, model, label, protocol }]);
      }
    });
  }
  return out;
}

/** The service's routes as `METHOD /path`; FHIR attempts join the REST ones once routes/fhir.ts is in the service's table. */
const SERVICE_ROUTES = user.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
const RUNNABLE_REST: Record<string, RestAttempt> = Object.fromEntries(
  Object.entries({ ...REST_ATTEMPTS, ...FHIR_ATTEMPTS } as Record<string, RestAttempt>).filter(([, a]) => SERVICE_ROUTES.includes(a.route)),
);
/** Routes that answer no member's data: the FHIR capability statement, and refusals of types the view does not serve. */
const WITHOUT_MEMBER_DATA = new Set(SERVICE_ROUTES.filter((r) => r === 'GET /fhir/metadata' || /^GET \/fhir\/:/.test(r)));

let stack: UserIsolationStack;

beforeAll(async () => {
  stack = await startUserIsolationStack(createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' }), ATTACKERS);
  // As `ficus start` before a cut: the service holds its copy (its REST routes answer 503 without one), the monolith owns M02.
  await stack.backfill();
}, 360_000);
afterAll(async () => {
  await stack?.stop();
});

describe.sequential.each(['legacy', 'service'] as const)('M02 isolation with M02 in phase %s', (phase) => {
  it('is in that phase', { timeout: 240_000 }, async () => {
    if (phase === 'service') await stack.cutOver();
    expect(stack.phase()).toBe(phase);
  });

  it('a member neither sees nor changes another member\'s rows over any Odoo protocol and method', { timeout: 600_000 }, async () => {
    const breaches: string[] = [];
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(draws, async (d) => {
        const pool = stack.rows();
        const table = M02_MODELS[d.model];
        const victimIds = (await pool.query<{ id: number }>(`SELECT id FROM ${table} WHERE user_id = $1 ORDER BY id LIMIT 3`, [d.victim])).rows.map((r) => r.id);
        expect(victimIds.length, `victim ${d.victim} has ${table}`).toBeGreaterThan(0);
        const attempts = attemptsOn(d.model, { attacker: d.attacker, victim: d.victim, victimIds });
        const labels = Object.keys(attempts);
        const label = labels[d.label % labels.length]!;
        const attempt = attempts[label]!;
        seen.add(`${d.model} ${label} ${d.protocol}`);
        const before = await rowsOf(pool, d.model, d.victim);
        const answer = await ODOO_PROTOCOLS[d.protocol](stack.stack.gatewayUrl, stack.callers.get(d.attacker)!, d.model, attempt.method, attempt.args, attempt.kwargs);
        const breach = await isolationBreach(pool, d.model, attempt, answer, d, before);
        if (breach) breaches.push(`${d.protocol} ${d.model} ${label} by ${d.attacker} on ${d.victim}: ${breach}`);
      }),
      { numRuns: everyCombination().length + RANDOM_RUNS, examples: everyCombination() },
    );
    console.log(`M02 isolation (phase ${phase}), Odoo protocols: ${seen.size} model/method/protocol combinations, ${breaches.length} breaches`);
    expect(breaches).toEqual([]);
    expect(seen.size).toBe(everyCombination().length);
  });

  it('a member neither sees nor changes another member\'s data over the REST and FHIR routes, aggregates included', { timeout: 600_000 }, async () => {
    const breaches: string[] = [];
    const seen = new Set<string>();
    const names = Object.keys(RUNNABLE_REST);
    const examples = names.map((name, i): [{ attacker: number; victim: number; name: string }] => {
      const attacker = ATTACKERS[i % ATTACKERS.length]!;
      const victims = VICTIMS.filter((v) => v !== attacker);
      return [{ attacker, victim: victims[i % victims.length]!, name }];
    });
    await fc.assert(
      fc.asyncProperty(pair.chain((who) => fc.constantFrom(...names).map((name) => ({ ...who, name }))), async (d) => {
        seen.add(d.name);
        const breach = await restBreach(stack, RUNNABLE_REST[d.name]!, d);
        if (breach) breaches.push(`${d.name} by ${d.attacker} on ${d.victim}: ${breach}`);
      }),
      { numRuns: examples.length + Math.ceil(RANDOM_RUNS / 2), examples },
    );
    console.log(`M02 isolation (phase ${phase}), REST/FHIR: ${seen.size} attempts on ${new Set(Object.values(RUNNABLE_REST).map((a) => a.route)).size} routes, ${breaches.length} breaches`);
    expect(breaches).toEqual([]);
    expect(seen.size).toBe(names.length);
  });
});

describe('the REST isolation property', () => {
  it('covers every route of the user service that reads or writes members\' data', () => {
    const covered = new Set(Object.values(RUNNABLE_REST).map((a) => a.route));
    const uncovered = SERVICE_ROUTES.filter((r) => !covered.has(r) && !WITHOUT_MEMBER_DATA.has(r));
    expect(uncovered).toEqual([]);
  });
});
