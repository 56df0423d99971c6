import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../../odoo-bridge/errors.ts';
import { superuserPolicy } from '../../../../odoo-bridge/orm/access-policy.ts';
import { declareFieldGuards } from '../../../../odoo-bridge/orm/access/field-guards.ts';
import { compileWhere, freshWhere } from '../../../../odoo-bridge/orm/domain/compile.ts';
import { compiledSearchCounts } from '../../../../odoo-bridge/orm/domain/compiled-searches.ts';
import { newSearchEnv, nextAlias, type SearchEnv } from '../../../../odoo-bridge/orm/domain/search-env.ts';
import { createOrmEngine } from '../../../../odoo-bridge/orm/engine.ts';
import type { FieldInfo, ModelInfo, Registry } from '../../../../odoo-bridge/orm/registry/types.ts';
import { compileSql } from '../../../../odoo-bridge/orm/sql/execute.ts';
import { legacyDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * The compiled-search cache (domain/compiled-searches.ts) against the compiler itself: for
 * random domains compiled one after another (so that shapes repeat with other values), what
 * compileWhere answers — a replay or not — is the fresh compile's text and parameters, leaves
 * the env as the fresh compile does (alias counter, hierarchy seeds), and fails as it fails.
 */
let db: TestDatabase;
let registry: Registry;
let partner: ModelInfo;

/** res.partner under a frozen record rule, as the access policy hands rules out. */
const RULE = Object.freeze(['|', Object.freeze(['company_id', '=', false]), Object.freeze(['company_id', 'parent_of', Object.freeze([1])])]);

beforeAll(async () => {
  db = await legacyDatabase();
  const engine = createOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, access: superuserPolicy(db.pool) });
  registry = await engine.registry();
  partner = registry.model('res.partner')!;
});

afterAll(async () => {
  await db?.drop();
});

function envFor(options: { lang?: string; activeTest?: boolean; unreadable?: string; sudo?: boolean } = {}): SearchEnv {
  const env = newSearchEnv(registry, {
    lang: options.lang ?? 'en_US',
    activeTest: options.activeTest ?? true,
    companyId: 1,
    uid: 7,
    ruleDomain: (model) => (model.name === 'res.partner' ? (RULE as unknown as unknown[]) : null),
    checkFieldRead: (model: ModelInfo, field: FieldInfo) => {
      if (field.name === options.unreadable) throw new OdooError('odoo.exceptions.AccessError', `no read of ${model.name}.${field.name}`);
    },
    existingCompanyIds: new Set([1]),
  });
  // A sudo search env keeps the user but has no field checks (and so no field guards).
  return options.sudo ? { ...env, checkFieldRead: undefined } : env;
}

type Outcome = { sql: string; parameters: readonly unknown[]; aliasSeq: number; seeds: string } | { error: string };

function outcome(compile: typeof compileWhere, env: SearchEnv, domain: unknown): Outcome {
  try {
    const alias = nextAlias(env, partner);
    const where = compileSql(compile(env, partner, domain, alias));
    const seeds = JSON.stringify((env.hierarchySeeds ?? []).map((s) => [s.model.name, s.ids]));
    return { sql: where.sql, parameters: where.parameters, aliasSeq: env.aliasSeq, seeds };
  } catch (error) {
    return { error: error instanceof OdooError ? `${error.exceptionName}: ${error.message}` : String(error) };
  }
}

const fieldNames = ['name', 'email', 'city', 'type', 'color', 'country_id', 'company_id', 'parent_id', 'id', 'active', 'is_company', 'partner_latitude', 'ref', 'comment'];
const operators = ['=', '!=', '<', '>', '<=', '>=', 'like', 'ilike', 'not like', 'not ilike', '=like', '=ilike', 'in', 'not in', '=?'];
const value = fc.oneof(
  fc.constantFrom<unknown>(true, false, null, 0, '', [], 1, -3, 2.5, -0.5, 'a', 'contact', '+86', '%', 'x_'),
  fc.integer({ min: -5, max: 60 }),
  fc.string({ maxLength: 6 }),
  fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 4 }),
  fc.array(fc.constantFrom('a', 'contact', 'invoice', 'b c'), { minLength: 1, maxLength: 3 }),
  fc.array(fc.constantFrom<unknown>(1, false, 'a', 0), { minLength: 1, maxLength: 3 }),
);
const leaf = fc.tuple(fc.constantFrom(...fieldNames), fc.constantFrom(...operators), value);
/** A prefix domain of 1–4 leaves: '&'/'|'/'!' placed so that it is well formed, or an implicit AND. */
const domain = fc.tuple(fc.array(leaf, { minLength: 1, maxLength: 4 }), fc.array(fc.constantFrom('&', '|', '!', ''), { minLength: 4, maxLength: 4 })).map(([leaves, connectives]) => {
  const items: unknown[] = [];
  leaves.forEach((l, i) => {
    const c = connectives[i]!;
    if (c === '!') items.push('!');
    else if (c && i < leaves.length - 1) items.push(c);
    items.push(l);
  });
  return items;
});
/** The same domain with each leaf's value redrawn: the same shape when the kinds happen to agree. */
const revalued = (items: unknown[], values: unknown[]) => items.map((item, i) => (Array.isArray(item) ? [item[0], item[1], values[i % values.length]] : item));

describe('compiled searches', () => {
  it('replays a shape with new values exactly as a fresh compile, over generated domains', () => {
    const before = { ...compiledSearchCounts };
    fc.assert(
      fc.property(domain, fc.array(value, { minLength: 4, maxLength: 4 }), fc.constantFrom('en_US', 'fr_FR'), fc.boolean(), (items, values, lang, activeTest) => {
        for (const d of [items, revalued(items, values), revalued(items, [...values].reverse()), items]) {
          const cached = outcome(compileWhere, envFor({ lang, activeTest }), d);
          const fresh = outcome(freshWhere, envFor({ lang, activeTest }), d);
          expect(cached).toEqual(fresh);
        }
      }),
      { numRuns: 3000 },
    );
    // Not a test of a cache that never answers: every replayable shape generated is met again (the last variant repeats the first).
    expect(compiledSearchCounts.replayed - before.replayed).toBeGreaterThan(100);
  });

  it("replays the bench's partner domain with other values, and checks field access on every replay", () => {
    const shape = (phone: string) => ['&', ['active', '=', true], '|', ['phone', 'ilike', phone], ['city', '!=', false]];
    outcome(compileWhere, envFor(), shape('+86'));
    const replayed = compiledSearchCounts.replayed;
    const again = outcome(compileWhere, envFor(), shape('+33'));
    expect(compiledSearchCounts.replayed).toBe(replayed + 1);
    expect(again).toEqual(outcome(freshWhere, envFor(), shape('+33')));
    expect(again).toMatchObject({ parameters: expect.arrayContaining(['%+33%']) });
    // The user lost the right to read phone: the replay refuses it as the compiler does.
    const refused = outcome(compileWhere, envFor({ unreadable: 'phone' }), shape('+1'));
    expect(refused).toEqual({ error: 'odoo.exceptions.AccessError: no read of res.partner.phone' });
    expect(compiledSearchCounts.replayed).toBe(replayed + 2);
  });

  it('never replays a shape whose values are more than parameters (a string cut to a char size, converted to a number)', () => {
    const sized = [...partner.fields.values()].find((f) => f.type === 'char' && f.size && f.store && f.column && !f.inheritedVia && !f.translate);
    const cases: unknown[][] = [[['color', '=', '12']], [['country_id', '=', 'Belgium']]];
    if (sized) cases.push([[sized.name, '=', 'abcdefghijklmnopqrstuvwxyz'.repeat(20)]]);
    for (const d of cases) {
      const before = compiledSearchCounts.replayed;
      for (let i = 0; i < 3; i++) expect(outcome(compileWhere, envFor(), d)).toEqual(outcome(freshWhere, envFor(), d));
      expect(compiledSearchCounts.replayed).toBe(before);
    }
  });

  it('compiles again for field guards declared since, and for a sudo env of the same user', () => {
    const d = [['email', 'ilike', 'agrolait']];
    const fresh = () => outcome(freshWhere, envFor(), d);
    outcome(compileWhere, envFor(), d);
    declareFieldGuards([{ name: 'test', model: 'res.partner', field: 'email', shownWhen: (alias, uid) => sql`${sql.ref(`${alias}.id`)} <> ${sql.lit(uid)}` }]);
    const guarded = outcome(compileWhere, envFor(), d);
    expect(guarded).toEqual(fresh());
    expect(guarded).toMatchObject({ sql: expect.stringContaining('CASE WHEN') });
    const d2 = [['email', 'ilike', 'gmail']];
    const sudo = outcome(compileWhere, envFor({ sudo: true }), d2);
    expect(sudo).not.toMatchObject({ sql: expect.stringContaining('CASE WHEN') });
    expect(outcome(compileWhere, envFor(), d2)).toEqual(outcome(freshWhere, envFor(), d2));
    expect(outcome(compileWhere, envFor(), d2)).toMatchObject({ sql: expect.stringContaining('CASE WHEN') });
  });
});
