import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compiledRuleSql } from '../../../odoo-bridge/orm/domain/compiled-rules.ts';
import { newSearchEnv, nextAlias, type SearchEnv } from '../../../odoo-bridge/orm/domain/search-env.ts';
import type { ModelInfo, Registry } from '../../../odoo-bridge/orm/registry/types.ts';
import { compileSql } from '../../../odoo-bridge/orm/sql/execute.ts';

const registry = {} as Registry;
const company = { name: 'res.company', table: 'res_company' } as ModelInfo;

/** A stand-in for compiling a rule: takes two aliases, notes a seed and a literal as the compiler does, counts its runs. */
function fakeCompiler(env: SearchEnv, counter: { runs: number }) {
  return () => {
    counter.runs += 1;
    const a = nextAlias(env, company);
    const b = nextAlias(env, company);
    env.hierarchySeeds?.push({ model: company, ids: [1] });
    const notes = ((env as unknown as { notes?: string[] }).notes ??= []);
    notes.push(`${a}/${b}`);
    return sql`${sql.ref(`${a}.id`)} = ANY(${[1]}::int4[]) AND ${sql.ref(`${b}.id`)} = ${env.lang}`;
  };
}

function envAt(aliasSeq: number, lang = 'en_US'): SearchEnv {
  const env = newSearchEnv(registry, { lang, uid: 2, companyId: 1 });
  env.aliasSeq = aliasSeq;
  return env;
}

describe('compiled record rules', () => {
  it('compiles a frozen rule once per circumstances and replays what compiling did to the env', () => {
    const rules = Object.freeze([Object.freeze(['company_id', 'in', Object.freeze([1])])]);
    const counter = { runs: 0 };
    const first = envAt(3);
    const firstSql = compileSql(compiledRuleSql(first, 'res.partner', rules, 'res_partner_1', fakeCompiler(first, counter)));
    const second = envAt(3);
    const secondSql = compileSql(compiledRuleSql(second, 'res.partner', rules, 'res_partner_1', fakeCompiler(second, counter)));
    expect(counter.runs).toBe(1);
    expect(secondSql).toEqual(firstSql);
    expect(second.aliasSeq).toBe(first.aliasSeq);
    expect(second.aliasSeq).toBe(5);
    expect(second.hierarchySeeds).toEqual(first.hierarchySeeds);
    expect((second as unknown as { notes: string[] }).notes).toEqual(['res_company_4/res_company_5']);
    // The replayed notes are the env's own list, not the first env's.
    expect((second as unknown as { notes: string[] }).notes).not.toBe((first as unknown as { notes: string[] }).notes);
  });

  it('compiles again under another alias counter, language, or for an array that may change', () => {
    const rules = Object.freeze([Object.freeze(['company_id', 'in', Object.freeze([1])])]);
    const counter = { runs: 0 };
    const at = (env: SearchEnv, list: readonly unknown[] = rules) => compileSql(compiledRuleSql(env, 'res.partner', list, 'res_partner_1', fakeCompiler(env, counter))).sql;
    const base = at(envAt(3));
    expect(at(envAt(7))).not.toBe(base);
    expect(counter.runs).toBe(2);
    at(envAt(3, 'fr_FR'));
    expect(counter.runs).toBe(3);
    const mutable = [['company_id', 'in', [1]]];
    at(envAt(3), mutable);
    at(envAt(3), mutable);
    expect(counter.runs).toBe(5);
  });
});
