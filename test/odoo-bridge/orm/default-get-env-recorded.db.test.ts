import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { answerBesideRecorded, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * default_get of the Python defaults that need only the environment, the call's context or the
 * user, recorded from a real Odoo 18 on fresh copies of both databases as several users
 * (scripts/differential-odoo.py --calls fixtures/odoo-differential/default-get-env-calls.json
 * --record fixtures/odoo-differential/default-get-env.jsonl): `[(6, 0, [uid])]`, the template
 * user's groups in the many2many read's order, literal command lists (floats kept), context keys
 * with fallbacks and `or` chains, `env.company.root_id`, the user's company currency and language
 * decimal point, `env.companies` taxes through the `_inherits` parent, and `formataddr` of a
 * non-ASCII name (utf-8 keeps it). Dates of today and random draws are checked apart (they change).
 */
const FIXTURE = 'fixtures/odoo-differential/default-get-env.jsonl';
const lines = readFileSync(path.join(PROJECT_ROOT, FIXTURE), 'utf8').split('\n').filter((line) => line.trim());
const cases = lines.map((line) => ({ recorded: JSON.parse(line) as RecordedCase, line }));

/** The numbers written with a fraction in a JSON text (Python floats), sorted: 100.0 is not 100. */
const floatLiterals = (text: string) => (text.match(/(?<![\w."])-?\d+\.\d+(?:[eE][+-]?\d+)?/g) ?? []).sort();

const { engines } = recordedEngines();

describe('default_get environment and context defaults recorded from a real Odoo 18', () => {
  it('covers the families', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  for (const { recorded, line } of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
      // JSON.parse reads 100.0 as 100: the float literals are compared on the texts.
      if (recorded.response.body.result !== undefined) {
        const call = recordedCall(recorded);
        const ours = stringifyPythonJson(await engines[call.database]!.call(call));
        expect(floatLiterals(ours)).toEqual(floatLiterals(line.slice(line.lastIndexOf('"result"'))));
      }
    });
  }
});

describe('defaults that change with the day or are drawn per call', () => {
  const ask = (database: 'odoo_ref' | 'hp_legacy', uid: number, model: string, fields: string[], context: Record<string, unknown> = {}) =>
    engines[database]!.call({ database, uid, model, method: 'default_get', args: [fields], kwargs: { context } }) as Promise<Record<string, unknown>>;
  const todayIn = (tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

  it("context_today is the context's tz, else the user's; Date.today the UTC date", async () => {
    // hp_legacy's members are in Asia/Shanghai: hp.health.goal start_date and mail.activity date_deadline (context_today).
    const tz = (await engines.hp_legacy!.call({ database: 'hp_legacy', uid: 2, model: 'res.users', method: 'read', args: [[6], ['tz']], kwargs: {} })) as Array<{ tz: string | false }>;
    const memberTz = tz[0]!.tz || 'UTC';
    expect((await ask('hp_legacy', 6, 'mail.activity', ['date_deadline'])).date_deadline).toBe(todayIn(memberTz));
    expect((await ask('hp_legacy', 6, 'mail.activity', ['date_deadline'], { tz: 'Pacific/Kiritimati' })).date_deadline).toBe(todayIn('Pacific/Kiritimati'));
    expect((await ask('odoo_ref', 2, 'account.payment.term', ['example_date'], { tz: 'Pacific/Kiritimati' })).example_date).toBe(new Date().toISOString().slice(0, 10));
    expect((await ask('odoo_ref', 2, 'res.company', ['account_opening_date'], { tz: 'Pacific/Kiritimati' })).account_opening_date).toBe(`${todayIn('Pacific/Kiritimati').slice(0, 4)}-01-01`);
  });

  it('uuid4s and random tokens have the shape Odoo draws, a new one each call', async () => {
    const shapes: Array<[string, string, RegExp]> = [
      ['mail.guest', 'access_token', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/],
      ['spreadsheet.dashboard.share', 'access_token', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/],
      ['iap.account', 'account_token', /^[0-9a-f]{32}$/],
      ['sms.sms', 'uuid', /^[0-9a-f]{32}$/],
      ['discuss.channel', 'uuid', /^[a-km-zA-NP-Z2-9]{10}$/],
    ];
    for (const [model, field, shape] of shapes) {
      const first = (await ask('odoo_ref', 2, model, [field]))[field];
      const second = (await ask('odoo_ref', 2, model, [field]))[field];
      expect(first, `${model}.${field}`).toMatch(shape);
      expect(second).not.toBe(first);
    }
  });
});
