import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_RULES, type BusinessRule } from '../../../migration/reconcile/index.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * The ledger rules of `ficus reconcile` against generated ledgers: interleaved chains of several
 * users (each row's balance_after = the previous one + delta), and at most one corruption (a
 * balance_after rewritten, a delta rewritten, or a chain that went below zero). The chain rule
 * must name exactly the rows that break, and the balance rule exactly the users whose balance is
 * no longer the sum of their deltas, or negative: never a clean ledger flagged, never a planted
 * fault missed.
 */
let db: TestDatabase;
const rule = (id: string): BusinessRule => BUSINESS_RULES.find((r) => r.id === id)!;
const chainRule = rule('points-ledger-chain');
const sumRule = rule('points-balance-is-sum');

beforeAll(async () => {
  db = await emptyDatabase('ledger_rules');
  await db.pool.query(`CREATE TABLE points_transactions (id serial PRIMARY KEY, user_id integer NOT NULL, delta integer NOT NULL, balance_after integer,
                        reason varchar NOT NULL DEFAULT 'adjust', ref_model varchar, ref_id integer)`);
});
afterAll(async () => db?.drop());

type Corruption = { kind: 'none' } | { kind: 'balance' | 'delta'; user: number; at: number; by: number };

const ledgerArb = fc
  .record({
    // per user: deltas that keep the balance ≥ 0 are made so below (debits clipped), unless the chain is meant to go negative
    users: fc.array(fc.array(fc.integer({ min: -300, max: 300 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
    goesNegative: fc.option(fc.nat(), { nil: undefined }),
    corruption: fc.oneof(
      fc.constant<Corruption>({ kind: 'none' }),
      fc.record({ kind: fc.constantFrom('balance' as const, 'delta' as const), user: fc.nat(), at: fc.nat(), by: fc.integer({ min: 1, max: 50 }).chain((n) => fc.constantFrom(n, -n)) }),
    ),
    order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
  });

describe('the ledger rules on generated ledgers', () => {
  it('report exactly the planted breaks: rows for the chain rule, users for the balance rule', async () => {
    await fc.assert(
      fc.asyncProperty(ledgerArb, async ({ users, goesNegative, corruption, order }) => {
        // Chains: balance_after = previous + delta; debits clipped to the balance unless this user is the one allowed below zero.
        const negativeUser = goesNegative === undefined ? -1 : goesNegative % users.length;
        const chains = users.map((deltas, u) => {
          let balance = 0;
          return deltas.map((d) => {
            const delta = u === negativeUser || balance + d >= 0 ? d : -balance;
            balance += delta;
            return { user: u + 1, delta, balance_after: balance };
          });
        });
        if (negativeUser >= 0) {
          // make sure it really dips: a last debit of one more than the balance
          const chain = chains[negativeUser]!;
          const last = chain.at(-1)!.balance_after;
          chain.push({ user: negativeUser + 1, delta: -(Math.max(last, 0) + 1), balance_after: Math.min(last, 0) - 1 });
          if (last < 0) chain.at(-1)!.balance_after = last + chain.at(-1)!.delta;
        }
        let target: { user: number; at: number } | undefined;
        if (corruption.kind !== 'none') {
          const u = corruption.user % chains.length;
          const at = corruption.at % chains[u]!.length;
          target = { user: u + 1, at };
          if (corruption.kind === 'balance') chains[u]![at]!.balance_after += corruption.by;
          else chains[u]![at]!.delta += corruption.by;
        }

        // Interleave the users' rows (each user's in order) into one ledger, ids in that order.
        const cursors = chains.map(() => 0);
        const rows: { user: number; delta: number; balance_after: number; userIndex: number }[] = [];
        for (let k = 0; rows.length < chains.flat().length; k++) {
          const open = chains.map((c, i) => i).filter((i) => cursors[i]! < chains[i]!.length);
          const i = open[(order[k % order.length]! + k) % open.length]!;
          rows.push({ ...chains[i]![cursors[i]!]!, userIndex: cursors[i]! });
          cursors[i]! += 1;
        }
        await db.pool.query('TRUNCATE points_transactions RESTART IDENTITY');
        await db.pool.query(
          `INSERT INTO points_transactions (user_id, delta, balance_after) SELECT * FROM unnest($1::int[], $2::int[], $3::int[])`,
          [rows.map((r) => r.user), rows.map((r) => r.delta), rows.map((r) => r.balance_after)],
        );
        const ids = new Map(rows.map((r, i) => [`${r.user}/${r.userIndex}`, i + 1]));

        // What the rules must say, from the model.
        const brokenRows = new Set<number>();
        const badUsers = new Set<number>();
        for (const chain of chains) {
          let previous = 0;
          chain.forEach((r, i) => {
            if (r.balance_after !== previous + r.delta || r.balance_after < 0) brokenRows.add(ids.get(`${r.user}/${i}`)!);
            previous = r.balance_after;
          });
          const sum = chain.reduce((n, r) => n + r.delta, 0);
          const last = chain.at(-1)!.balance_after;
          if (last !== sum || last < 0) badUsers.add(chain[0]!.user);
        }
        if (corruption.kind === 'none' && negativeUser < 0) expect(brokenRows.size + badUsers.size).toBe(0);
        if (target) expect(brokenRows.has(ids.get(`${target.user}/${target.at}`)!)).toBe(true); // a planted fault always breaks its own row

        const locate = () => db.pool;
        const chainBreaches = await chainRule.check({ source: locate, target: locate }, 'target');
        const sumBreaches = await sumRule.check({ source: locate, target: locate }, 'target');
        expect(new Set(chainBreaches.map((b) => b.ids.points_transactions!.at(-1)))).toEqual(brokenRows);
        expect(new Set(sumBreaches.map((b) => b.ids.res_users![0]))).toEqual(badUsers);
        for (const b of sumBreaches) expect(b.noRepair).toMatch(/append-only/);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
