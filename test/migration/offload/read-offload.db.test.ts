import { loadavg } from 'node:os';
import { Writable } from 'node:stream';
import pg from 'pg';
import type { Registry } from 'prom-client';
import xmlrpc from 'xmlrpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonRpcMember } from '../../../bench/drill/jsonrpc-member.ts';
import { xmlRpcMember, type Exec } from '../../../bench/drill/xmlrpc-member.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { readOffloadStatus, type OffloadClassStatus } from '../../../migration/offload/offload-store.ts';
import { readOffloadFromSettings, startReadOffload, type ReadOffload } from '../../../migration/offload/read-offload.ts';
import type { OdooCall } from '../../../odoo-bridge/call.ts';
import { offloadableCall } from '../../../odoo-bridge/offload/read-class.ts';
import { createUpstreamOdoo } from '../../../odoo-bridge/proxy/upstream-odoo.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { runFicus } from '../../support/ficus-process.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';

const DB = 'hp_legacy';
/** What the upstream stand-in adds to a planted answer's `name`: a client seeing it got Odoo's answer. */
const MARK = '⟨odoo⟩';

interface Client {
  login: string;
  protocol: 'xmlrpc' | 'jsonrpc';
  exec: Exec;
  uid(): number;
}

interface Read {
  name: string;
  model: string;
  method: string;
  /** Members read their own health records; admin reads the rest. */
  asMember?: boolean;
  args(): unknown[];
  kwargs?: () => Record<string, unknown>;
}

/**
 * Issue 19, bar 4: Ficus in front of an upstream Odoo stand-in (a second Ficus gateway, no
 * upstream, over the same database, answering with the engine's own answers) under a mixed
 * read/write load over XML-RPC and JSON-RPC. One class is planted: the stand-in's answers to it
 * differ in one field. Every other exercised class must be promoted (default: 200 comparisons,
 * no difference, under concurrent writes), the planted one never; a class that starts to differ
 * after promotion is sent back to Odoo at its first difference, and from then on no client gets
 * Ficus's answer to it.
 */
describe('read offload in front of an upstream Odoo, verified per class of call', () => {
  let legacy: TestDatabase;
  let control: TestDatabase;
  let standInPool: pg.Pool;
  let standInRuntime: MigrationRuntime;
  let standIn: TestGateway;
  let front: MigrationRuntime;
  let offload: ReadOffload;
  let gateway: TestGateway;
  let metrics: Registry;
  const logLines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    format: 'json',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  });
  /** The stand-in's planted differences: one class always, one more once the test flips it. */
  const planted = { countries: false };
  let partnerIds: number[] = [];

  const fieldsOf = (call: OdooCall) => (Array.isArray(call.kwargs.fields) ? [...(call.kwargs.fields as string[])].sort().join(',') : '');
  const marked = (answer: unknown) => (answer as { name: string }[]).map((r) => ({ ...r, name: `${r.name} ${MARK}` }));
  const plant = (call: OdooCall, answer: unknown) => {
    if (call.model === 'res.partner' && call.method === 'search_read' && fieldsOf(call) === 'city,name') return marked(answer);
    if (planted.countries && call.model === 'res.country' && call.method === 'search_read' && fieldsOf(call) === 'code,name') return marked(answer);
    return answer;
  };

  const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
  const someIds = (n: number) => Array.from({ length: n }, () => pick(partnerIds));
  const FIELDS = ['summary', 'verb', 'actor_id', 'visibility', 'create_date'];
  const PLANTED: Read = { name: 'planted: res.partner.search_read{city,name}', model: 'res.partner', method: 'search_read', args: () => [[['id', 'in', someIds(5)]]], kwargs: () => ({ fields: ['name', 'city'] }) };
  const COUNTRIES: Read = { name: 'res.country.search_read{code,name}', model: 'res.country', method: 'search_read', args: () => [[['code', 'in', ['FR', 'DE', 'US', 'JP', 'BR']]]], kwargs: () => ({ fields: ['code', 'name'] }) };
  const READS: Read[] = [
    { name: 'newest activities', model: 'hp.activity', method: 'search_read', args: () => [[]], kwargs: () => ({ fields: FIELDS, limit: 10 }) },
    { name: 'newest activity ids', model: 'hp.activity', method: 'search', args: () => [[]], kwargs: () => ({ limit: 10 }) },
    { name: 'activities counted', model: 'hp.activity', method: 'search_count', args: () => [[['visibility', '=', 'public']]] },
    { name: 'activities by verb', model: 'hp.activity', method: 'read_group', args: () => [[], ['verb'], ['verb']] },
    { name: 'partners read', model: 'res.partner', method: 'read', args: () => [someIds(4), ['name', 'ref', 'email']] },
    { name: 'users by name', model: 'res.users', method: 'name_search', args: () => [pick(['member', 'coach', 'admin'])], kwargs: () => ({ limit: 8 }) },
    { name: 'companies, web client shape', model: 'res.partner', method: 'web_search_read', args: () => [[['is_company', '=', true]]], kwargs: () => ({ specification: { name: {}, country_id: { fields: { display_name: {} } } }, limit: 10 }) },
    { name: 'partner fields', model: 'res.partner', method: 'fields_get', args: () => [], kwargs: () => ({ attributes: ['string', 'type'] }) },
    { name: 'own health records (record rule)', model: 'hp.health.record', method: 'search_read', asMember: true, args: () => [[]], kwargs: () => ({ fields: ['record_type', 'value', 'measured_at'], limit: 10 }) },
    COUNTRIES,
  ];

  const classOf = (read: Read) => {
    const params = [DB, 2, 'x', read.model, read.method, read.args(), read.kwargs?.() ?? {}];
    return offloadableCall({ database: DB, model: read.model, method: read.method, rpc: { method: 'execute_kw', params } })!.readClass;
  };
  const statusById = async () => new Map((await readOffloadStatus(control.pool)).map((c) => [c.id, c] as const));
  const counter = async (name: string, labels: Record<string, string>) =>
    (await metrics.getSingleMetric(name)!.get()).values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);

  let admins: Client[];
  let members: Client[];
  const login = async (name: string, protocol: 'xmlrpc' | 'jsonrpc'): Promise<Client> => {
    const member = protocol === 'xmlrpc' ? xmlRpcMember(gateway.url, DB, name) : jsonRpcMember(gateway.url, DB, name);
    await member.login();
    return { login: name, protocol, exec: member.exec, uid: member.uid };
  };

  /** Odoo's answers to the planted class, as clients received them: every one must be Odoo's. */
  const plantedAnswers: { name: string }[][] = [];
  const failures: string[] = [];
  const done = { reads: 0, writes: 0 };

  async function oneCall(n: number): Promise<void> {
    const admin = pick(admins);
    try {
      if (n % 4 === 0) {
        // A quarter of the calls write, through the stand-in (writes always go to Odoo).
        if (n % 8 === 0) await admin.exec('res.partner', 'write', [[pick(partnerIds)], { ref: `offload-${n}` }]);
        else {
          const member = pick(members);
          await member.exec('hp.activity', 'create', [{ actor_id: member.uid(), verb: 'posted', summary: `offload load ${n}`, visibility: 'public' }]);
        }
        done.writes++;
        return;
      }
      const read = n % 12 === 1 ? PLANTED : READS[n % READS.length]!;
      const client = read.asMember ? pick(members) : admin;
      const answer = await client.exec(read.model, read.method, read.args(), read.kwargs?.() ?? {});
      if (read === PLANTED) plantedAnswers.push(answer as { name: string }[]);
      done.reads++;
    } catch (error) {
      failures.push((error as Error).message);
    }
  }

  /** Closed-loop load of `workers` clients until `until()` holds (a hang guard, not a timing claim). */
  async function load(workers: number, until: () => Promise<boolean>, guardMs: number): Promise<number> {
    let n = 0;
    let stop = false;
    const started = Date.now();
    const watcher = (async () => {
      while (!stop) {
        await new Promise((r) => setTimeout(r, 500));
        if (await until()) stop = true;
        else if (Date.now() - started > guardMs) throw new Error(`load went on for ${guardMs} ms without reaching its goal: ${JSON.stringify(await describeClasses())}`);
      }
    })();
    await Promise.all([
      watcher.finally(() => (stop = true)),
      ...Array.from({ length: workers }, async () => {
        while (!stop) await oneCall(n++);
      }),
    ]);
    return n;
  }

  const describeClasses = async () => {
    const status = await statusById();
    return [...READS, PLANTED].map((r) => {
      const c = status.get(classOf(r).id);
      return `${r.name}: ${c ? `${c.state} ${c.matches}+${c.timings}t/${c.differences}d` : 'unseen'}`;
    });
  };

  beforeAll(async () => {
    [legacy, control] = await Promise.all([legacyDatabase(), emptyDatabase('control')]);
    const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: legacy.url });
    partnerIds = (await legacy.pool.query<{ id: number }>('SELECT id FROM res_partner WHERE active ORDER BY id LIMIT 40')).rows.map((r) => r.id);
    // The upstream Odoo stand-in: Ficus without an upstream, its own pool on the same database.
    standInPool = new pg.Pool({ connectionString: legacy.url, max: 10 });
    standInPool.on('error', () => undefined);
    const quiet = createLogger({ level: 'silent', format: 'json' });
    standInRuntime = await startMigrationRuntime({ endpoints, odooDatabaseName: DB, legacyPool: standInPool, logger: quiet, metrics: createMetricsRegistry(), runSync: false });
    standIn = await startTestGateway({
      serve: [{ name: DB, database: { ...legacy, pool: standInPool } }],
      handlerFor: (served) => {
        const engine = standInRuntime.handlerFor(served);
        return async (call) => plant(call, await engine(call));
      },
      router: standInRuntime.router,
      loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 },
    });
    // Ficus in front of it, with read offload on for the database (default thresholds).
    metrics = createMetricsRegistry();
    front = await startMigrationRuntime({ endpoints, odooDatabaseName: DB, legacyPool: legacy.pool, upstream: createUpstreamOdoo(standIn.url, 20_000), logger: quiet, metrics, runSync: false });
    offload = await startReadOffload({
      controlUrl: control.url,
      databases: [DB],
      engineFor: (name) => (name === DB ? { database: { name, pool: legacy.pool }, handler: front.handlerFor({ name, pool: legacy.pool }) } : undefined),
      upstreamTimeoutMs: 20_000,
      logger,
      metrics,
    });
    gateway = await startTestGateway({ serve: [{ name: DB, database: legacy }], handlerFor: front.handlerFor, router: offload.wrap(front.router), loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 } });
    admins = [await login('admin', 'xmlrpc'), await login('admin', 'jsonrpc')];
    members = await Promise.all(['member001@hp.example', 'member002@hp.example', 'member003@hp.example', 'member004@hp.example'].map((m, i) => login(m, i % 2 ? 'jsonrpc' : 'xmlrpc')));
  }, 300_000);

  afterAll(async () => {
    await gateway?.stop();
    await offload?.stop();
    await front?.stop();
    await standIn?.stop();
    await standInRuntime?.stop();
    await standInPool?.end();
    await Promise.all([control?.drop(), legacy?.drop()]);
  }, 120_000);

  it('promotes every exercised class under reads and writes, never the planted one, and no client gets Ficus’s answer to it', async () => {
    const expected = READS.map(classOf);
    const plantedClass = classOf(PLANTED);
    const started = performance.now();
    const calls = await load(
      6,
      async () => {
        const status = await statusById();
        return expected.every((c) => status.get(c.id)?.state === 'promoted') && status.get(plantedClass.id)?.state === 'demoted';
      },
      330_000,
    );
    const learnedIn = (performance.now() - started) / 1000;
    // Promoted: Ficus answers; keep going so that promoted answers are sampled and compared too.
    const byFicusBefore = await counter('ficus_offload_answers_total', { by: 'ficus' });
    let more = 0;
    await load(6, async () => ++more >= 12, 60_000); // about six more seconds of load
    await offload.settled();
    const status = await statusById();
    const rows = [...READS, PLANTED].map((r) => [r.name, status.get(classOf(r).id)!] as const);
    console.log(
      [
        `learning: ${calls} calls in ${learnedIn.toFixed(1)} s until every class was decided; then ~6 s more; ${done.reads} reads, ${done.writes} writes in all, ${failures.length} failed; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
        ...rows.map(([name, c]) => `  ${c.state.padEnd(9)} ${name}: ${c.matches} equal + ${c.timings} timing, ${c.differences} differences, ${c.unverified} not compared; answered by Ficus ${c.answeredByFicus}, by Odoo ${c.answeredByOdoo}; ${c.verifiedSincePromotion} compared after promotion`),
        `  answered by Ficus after every class was decided: ${(await counter('ficus_offload_answers_total', { by: 'ficus' })) - byFicusBefore}`,
      ].join('\n'),
    );
    expect(failures).toEqual([]);
    for (const [name, c] of rows.slice(0, -1)) {
      expect(c.state, name).toBe('promoted');
      expect(c.differences, name).toBe(0);
      expect(c.matches + c.timings, name).toBeGreaterThanOrEqual(200);
      expect(c.answeredByFicus, name).toBeGreaterThan(0);
    }
    const plantedStatus = status.get(plantedClass.id)!;
    expect(plantedStatus).toMatchObject({ state: 'demoted', promotedAt: null, answeredByFicus: 0, differences: 1 });
    // The one field planted, by path: `[id=38].name`, never a value.
    const evidence = plantedStatus.lastDifference as { phase: string; differences: { kind: string; path: string; field: string }[] };
    expect(evidence.phase).toBe('learning');
    expect(evidence.differences.length).toBeGreaterThan(0);
    for (const d of evidence.differences) expect(d).toEqual({ kind: 'value', field: 'name', path: expect.stringMatching(/^\[id=\d+\]\.name$/) });
    expect(JSON.stringify(plantedStatus)).not.toContain(MARK);
    // Every answer a client got for the planted class was Odoo's.
    expect(plantedAnswers.length).toBeGreaterThan(0);
    for (const answer of plantedAnswers) for (const record of answer) expect(record.name.endsWith(MARK)).toBe(true);
    // Verified after promotion, and still promoted: the noise of concurrent writes demoted nothing.
    expect(rows.slice(0, -1).reduce((sum, [, c]) => sum + c.verifiedSincePromotion, 0)).toBeGreaterThan(0);
  }, 400_000);

  it('sends a promoted class back to Odoo at its first difference (metric, log line with class and path, no values); from then on every client gets Odoo’s answer', async () => {
    const countries = classOf(COUNTRIES);
    expect((await statusById()).get(countries.id)?.state).toBe('promoted');
    planted.countries = true; // from now on the stand-in's answers to this class differ in `name`
    const client = admins[1]!;
    const answers: { byFicus: boolean; afterDemotion: boolean }[] = [];
    let seen = 0;
    const background = load(2, async () => seen >= 40, 120_000); // writes and reads of the other classes go on meanwhile
    for (let i = 0; i < 3000 && seen < 40; i++) {
      const demoted = (await counter('ficus_offload_demotions_total', { class: countries.id })) > 0;
      const answer = (await client.exec(COUNTRIES.model, COUNTRIES.method, COUNTRIES.args(), COUNTRIES.kwargs!())) as { name: string }[];
      answers.push({ byFicus: !answer.every((r) => r.name.endsWith(MARK)), afterDemotion: demoted });
      if (demoted) seen++;
    }
    await background;
    await offload.settled();
    const unseen = answers.filter((a) => !a.afterDemotion);
    console.log(`after the flip: ${unseen.length} calls until the first sampled difference demoted the class (1 in 100 sampled), ${unseen.filter((a) => a.byFicus).length} of them answered by Ficus; ${answers.length - unseen.length} calls after, ${answers.filter((a) => a.afterDemotion && a.byFicus).length} answered by Ficus`);
    expect(seen).toBe(40);
    expect(answers.filter((a) => a.afterDemotion && a.byFicus)).toEqual([]);
    const c = (await statusById()).get(countries.id)!;
    expect(c).toMatchObject({ state: 'demoted', differences: 1 });
    expect(c.promotedAt).not.toBeNull();
    expect(c.lastDifference).toMatchObject({ phase: 'promoted' });
    const line = logLines.find((l) => l.msg === 'read offload: answers differ; the class goes back to Odoo' && l.offloadClass === countries.id) as { differences: { path: string; field: string }[] } & Record<string, unknown>;
    expect(line).toMatchObject({ database: DB, model: 'res.country', method: 'search_read', fields: 'code,name', phase: 'promoted', state: 'demoted' });
    for (const d of line.differences) expect(d).toEqual({ kind: 'value', field: 'name', path: expect.stringMatching(/^\[id=\d+\]\.name$/) });
    const { rows: countryNames } = await legacy.pool.query<{ name: string }>(`SELECT name->>'en_US' AS name FROM res_country WHERE code IN ('FR', 'DE', 'US', 'JP', 'BR')`);
    for (const text of [JSON.stringify(line), JSON.stringify(c)]) {
      expect(text).not.toContain(MARK);
      for (const { name } of countryNames) expect(text).not.toContain(name);
    }
    expect(await counter('ficus_offload_demotions_total', { class: countries.id, model: 'res.country', method: 'search_read', database: DB })).toBe(1);
    // The planted class of the first test is named by the same metric; the classes that agreed are not.
    expect(await counter('ficus_offload_demotions_total', {})).toBe(2);
  }, 300_000);

  it('leaves to Odoo what the engine cannot compute, and callers Ficus does not accept', async () => {
    // A non-stored compute whose Python Ficus does not re-implement: the class is refused at its first sight, never compared.
    // (ir.ui.view.warning_info: the view's validation warnings, computed in Python by Odoo's view checks)
    const uncomputable: Read = { name: 'uncomputable field', model: 'ir.ui.view', method: 'read', args: () => [[1], ['name', 'warning_info']] };
    const admin = admins[0]!;
    for (let i = 0; i < 5; i++) await admin.exec(uncomputable.model, uncomputable.method, uncomputable.args()).catch(() => undefined);
    await offload.settled();
    const refused = (await statusById()).get(classOf(uncomputable).id)!;
    expect(refused).toMatchObject({ state: 'refused', answeredByFicus: 0, matches: 0, differences: 0 });
    expect(refused.answeredByOdoo).toBe(5);
    expect(JSON.stringify(refused.lastDifference)).toContain('warning_info');

    // A promoted class asked with a password Ficus does not accept goes to Odoo, which decides (here: AccessDenied).
    const partners = READS.find((r) => r.name === 'partners read')!;
    const byOdoo = await counter('ficus_offload_answers_total', { by: 'odoo' });
    const byFicus = await counter('ficus_offload_answers_total', { by: 'ficus' });
    const object = xmlrpc.createClient({ host: '127.0.0.1', port: gateway.port, path: '/xmlrpc/2/object' });
    const wrong = (model: string, method: string, args: unknown[]) =>
      new Promise((resolve, reject) => object.methodCall('execute_kw', [DB, 2, 'not the password', model, method, args, {}], (error, value) => (error ? reject(error) : resolve(value))));
    await expect(wrong(partners.model, partners.method, partners.args())).rejects.toMatchObject({ faultCode: 3 });
    expect(await counter('ficus_offload_answers_total', { by: 'odoo' })).toBe(byOdoo + 1);
    expect(await counter('ficus_offload_answers_total', { by: 'ficus' })).toBe(byFicus);
    expect((await statusById()).get(classOf(partners).id)!.state).toBe('promoted');
  }, 120_000);

  it('remembers every class across a restart; ficus offload status shows them; ficus offload reset makes a class learn again at once', async () => {
    const before = await statusById();
    await gateway.stop();
    await offload.stop();
    metrics = createMetricsRegistry();
    // As `ficus start` composes it, from the settings (runtime/settings.ts defaults).
    const settings = { readOffloadDatabases: ` ${DB}, not_served `, offloadMinSamples: 200, offloadVerifyOneIn: 100, upstreamTimeoutMs: 20_000 };
    expect(await readOffloadFromSettings({ settings: { ...settings, readOffloadDatabases: undefined }, controlUrl: control.url, served: [{ name: DB, pool: legacy.pool }], handlerFor: front.handlerFor, logger, metrics })).toBeUndefined();
    offload = (await readOffloadFromSettings({ settings, controlUrl: control.url, served: [{ name: DB, pool: legacy.pool }], handlerFor: front.handlerFor, logger, metrics }))!;
    gateway = await startTestGateway({ serve: [{ name: DB, database: legacy }], handlerFor: front.handlerFor, router: offload.wrap(front.router), loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 } });
    const admin = await login('admin', 'xmlrpc');
    // A promoted class is Ficus's at once; the planted class and the demoted one stay Odoo's.
    const partners = READS.find((r) => r.name === 'partners read')!;
    await admin.exec(partners.model, partners.method, partners.args(), partners.kwargs?.() ?? {});
    const planted = (await admin.exec(PLANTED.model, PLANTED.method, PLANTED.args(), PLANTED.kwargs!())) as { name: string }[];
    const countries = (await admin.exec(COUNTRIES.model, COUNTRIES.method, COUNTRIES.args(), COUNTRIES.kwargs!())) as { name: string }[];
    expect(planted.every((r) => r.name.endsWith(MARK)) && countries.every((r) => r.name.endsWith(MARK))).toBe(true);
    expect(await counter('ficus_offload_answers_total', { by: 'ficus' })).toBe(1);
    expect(await counter('ficus_offload_answers_total', { by: 'odoo' })).toBe(2);
    await offload.settled();
    const after = await statusById();
    for (const [id, c] of before) expect(after.get(id)!.state, `${c.model}.${c.method} ${c.fields}`).toBe(c.state);

    const status = runFicus(['offload', 'status', '--control-url', control.url], {});
    expect(await status.exited, status.output()).toBe(0);
    const text = status.output();
    console.log(text);
    const plantedClass = classOf(PLANTED);
    const countriesClass = classOf(COUNTRIES);
    expect(text).toMatch(new RegExp(`${plantedClass.id}\\s+res\\.partner\\.search_read\\s+city,name\\s+demoted\\s.*while learning: \\[id=\\d+\\]\\.name`));
    expect(text).toMatch(new RegExp(`${countriesClass.id}\\s+res\\.country\\.search_read\\s+code,name\\s+demoted\\s.*after promotion: \\[id=\\d+\\]\\.name`));
    expect(text).toMatch(/res\.partner\.read\s+email,name,ref\s+promoted\s+\d+/);
    expect(text).toContain(`${DB}: 12 classes (0 learning, 9 promoted, 2 demoted, 1 refused)`);

    // Reset: the running gateway hears it and the class learns again; the stand-in still differs, so its first comparison demotes it again.
    const reset = runFicus(['offload', 'reset', countriesClass.id, '--control-url', control.url], {});
    expect(await reset.exited, reset.output()).toBe(0);
    expect(reset.output()).toContain(`1 class reset: ${countriesClass.id}`);
    for (let i = 0; ; i++) {
      const c = (await statusById()).get(countriesClass.id)!;
      if (c.generation === 1 && c.state === 'demoted') break;
      if (i > 200) throw new Error(`the reset class did not learn again: ${JSON.stringify(c)}`);
      const again = (await admin.exec(COUNTRIES.model, COUNTRIES.method, COUNTRIES.args(), COUNTRIES.kwargs!())) as { name: string }[];
      expect(again.every((r) => r.name.endsWith(MARK))).toBe(true); // learning: Odoo answers
      await offload.settled();
    }
  }, 300_000);
});
