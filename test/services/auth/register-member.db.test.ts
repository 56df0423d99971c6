import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialStore } from '../../../odoo-bridge/auth/credential-store.ts';
import { createFullOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/index.ts';
import { checkRegistrationInput, isValidEmailAddress, MAX_PASSWORD_BYTES } from '../../../services/auth/domain/register-input.ts';
import { memberRegistrar, RegistrationRefused, type MemberRegistrar, type RegistrationInput } from '../../../services/auth/domain/register-member.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { deletePointer, firstDifference, loadStoredSteps, RowDumper, type RowStamp } from '../../odoo-bridge/orm/stored-rows-oracle.ts';

/**
 * Registration of a platform member (`POST /auth/register`'s use case) on a copy of the
 * monolith's database: the rows equal what Odoo 18 stored when an administrator created a
 * member (the recorded stored.hp_legacy.18 step), the member signs in at once (credential
 * store and XML-RPC through a gateway), and the rules hold: valid input only, one user per
 * login even when registrations race, the password hash off the event loop.
 */
const DB_NAME = 'hp_legacy';
const PASSWORD = 'correct horse battery';

let db: TestDatabase;
let filestore: string;
let registrar: MemberRegistrar;
let adminEngine: OrmEngine;
let adminUid: number;
let memberGroup: number;

async function xmlidId(module: string, name: string): Promise<number> {
  const r = await db.pool.query<{ res_id: number }>('SELECT res_id FROM ir_model_data WHERE module = $1 AND name = $2', [module, name]);
  return r.rows[0]!.res_id;
}

beforeAll(async () => {
  db = await legacyDatabase();
  filestore = mkdtempSync(path.join(tmpdir(), 'ficus-register-'));
  registrar = memberRegistrar(db.pool, { filestore });
  adminEngine = createFullOrmEngine({ database: { name: DB_NAME, pool: db.pool }, filestore });
  adminUid = await xmlidId('base', 'user_admin');
  memberGroup = await xmlidId('hp_account', 'group_hp_member');
});

afterAll(async () => {
  await db?.drop();
  if (filestore) rmSync(filestore, { recursive: true, force: true });
});

async function refusal(input: RegistrationInput): Promise<RegistrationRefused> {
  const error = await registrar.register(input).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistrationRefused);
  return error as RegistrationRefused;
}

async function countUsers(login: string): Promise<number> {
  return Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM res_users WHERE login = $1', [login])).rows[0]!.n);
}

describe('the rows are the ones Odoo stores for a member an administrator creates', () => {
  it('matches the recorded res.users create of a member (stored.hp_legacy.18), column by column', async () => {
    const step = loadStoredSteps().find((s) => s.id === 'stored.hp_legacy.18')!;
    const [recordedVals] = step.request.args as [{ name: string; login: string; groups_id: [[6, 0, number[]]]; hp_user_type: string }];
    // The recorded call is the one registration makes: the member group alone (Odoo adds what it implies), hp_user_type member.
    expect(recordedVals.groups_id).toEqual([[6, 0, [memberGroup]]]);
    expect(recordedVals.hp_user_type).toBe('member');

    const dumper = new RowDumper(db.pool);
    await dumper.init();
    const t0 = await dumper.now();
    const before = await dumper.stamps(t0);
    const member = await registrar.register({ login: recordedVals.login, name: recordedVals.name, password: PASSWORD });
    const touched = touchedSince(before, await dumper.stamps(t0));

    const actual = await rowsOfNewUser(dumper, touched, member.userId, member.partnerId, Object.keys(step.rows));
    const recordedUser = step.rows.res_users![0]!.id as number;
    const recordedPartner = step.rows.res_partner![0]!.id as number;
    renumber(actual, step.rows, { user: [member.userId, recordedUser], partner: [member.partnerId, recordedPartner] });

    const expected = structuredClone(step.rows);
    // Where registration differs from the recorded admin create, by design: it sets a password
    // (the recorder keeps the scheme prefix only), and, as auth_signup does, the login as email.
    expected.res_users![0]!.password = '$pbkdf2-sha512$600000$<hash>';
    expected.res_partner![0]!.email = recordedVals.login;
    expected.res_partner![0]!.email_normalized = recordedVals.login;

    const both = { expected: { rows: expected }, actual: { rows: actual } };
    for (const pointer of withSameBytes(step.volatile)) {
      deletePointer(both.expected, pointer);
      deletePointer(both.actual, pointer);
    }
    const diffs = [...new Set([...Object.keys(expected), ...Object.keys(actual)])]
      .sort()
      .map((table) => firstDifference(both.expected.rows[table] ?? [], both.actual.rows[table] ?? [], `/rows/${table}`))
      .filter((d): d is string => d !== null);
    expect(diffs).toEqual([]);
    // The tables Odoo wrote and nothing else (an extra table would show above as unexpected rows).
    expect(Object.keys(actual).sort()).toEqual(Object.keys(step.rows).sort());
  });

  it('reads back over the engine as a member: hp_user_type, the member group and what it implies, internal, active', async () => {
    const member = await registrar.register({ login: 'reader@hp.example', name: 'Rea Der', password: PASSWORD, lang: 'en_US', tz: 'Asia/Shanghai' });
    const [user] = (await adminEngine.call({
      database: DB_NAME,
      uid: adminUid,
      model: 'res.users',
      method: 'read',
      args: [[member.userId], ['login', 'hp_user_type', 'hp_level', 'groups_id', 'share', 'active', 'partner_id', 'company_id', 'company_ids', 'email', 'lang', 'tz', 'notification_type']],
      kwargs: {},
    })) as Array<Record<string, unknown>>;
    const company = (await db.pool.query<{ company_id: number }>('SELECT company_id FROM res_users WHERE id = $1', [adminUid])).rows[0]!.company_id;
    expect(user).toMatchObject({
      login: 'reader@hp.example',
      hp_user_type: 'member',
      hp_level: 1,
      share: false,
      active: true,
      partner_id: [member.partnerId, 'Rea Der'],
      company_ids: [company],
      email: 'reader@hp.example',
      lang: 'en_US',
      tz: 'Asia/Shanghai',
      notification_type: 'email',
    });
    expect((user!.company_id as [number, string])[0]).toBe(company);
    // UsersImplied: the member group and, transitively, every group it implies — exactly those.
    const closure = await db.pool.query<{ id: number }>(
      `WITH RECURSIVE c(id) AS (SELECT $1::int UNION SELECT r.hid FROM res_groups_implied_rel r JOIN c ON r.gid = c.id) SELECT id FROM c ORDER BY id`,
      [memberGroup],
    );
    expect([...(user!.groups_id as number[])].sort((a, b) => a - b)).toEqual(closure.rows.map((r) => r.id));
    expect(user!.groups_id).toContain(memberGroup);
    // Every member of the monolith has this same set: registration makes no member of a new kind.
    const seeded = await db.pool.query<{ groups: number[] }>(
      `SELECT array_agg(r.gid ORDER BY r.gid) AS groups FROM res_users u JOIN res_groups_users_rel r ON r.uid = u.id
        WHERE u.login = 'member001@hp.example' GROUP BY u.id`,
    );
    expect(seeded.rows[0]!.groups).toEqual(closure.rows.map((r) => r.id));
  });

  it('leaves lang and tz to Odoo\'s defaults when they are not given, and the email empty for a login that is no address', async () => {
    const member = await registrar.register({ login: 'plainlogin', name: 'Plain Login', password: PASSWORD });
    const row = (await db.pool.query('SELECT p.lang, p.tz, p.email FROM res_partner p WHERE p.id = $1', [member.partnerId])).rows[0];
    expect(row).toEqual({ lang: 'en_US', tz: null, email: null });
    const withEmail = await registrar.register({ login: 'otherlogin', name: 'Other Login', email: '  other@hp.example ', password: PASSWORD, tz: 'UTC' });
    const row2 = (await db.pool.query('SELECT p.tz, p.email FROM res_partner p WHERE p.id = $1', [withEmail.partnerId])).rows[0];
    expect(row2).toEqual({ tz: 'UTC', email: 'other@hp.example' });
  });
});

describe('the new member signs in at once', () => {
  let gateway: TestGateway;
  const login = 'newcomer@hp.example';
  // Non-ASCII on purpose: the hash is over the UTF-8 bytes, as passlib's.
  const password = 'Grüße, 健康家!';
  let userId: number;

  beforeAll(async () => {
    userId = (await registrar.register({ login, name: 'New Comer', password })).userId;
    gateway = await startTestGateway({
      serve: [{ name: DB_NAME, database: db }],
      handlerFor: (served) => createFullOrmEngine({ database: served, filestore }).call,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('stores the password in passlib\'s pbkdf2-sha512 form at Odoo\'s cost, which the credential store verifies', async () => {
    const stored = (await db.pool.query<{ password: string }>('SELECT password FROM res_users WHERE id = $1', [userId])).rows[0]!.password;
    expect(stored).toMatch(/^\$pbkdf2-sha512\$600000\$[./A-Za-z0-9]{22}\$[./A-Za-z0-9]{86}$/);
    const credentials = createCredentialStore(db.pool, { cache: false });
    expect(await credentials.authenticate(login, password)).toBe(userId);
    expect(await credentials.authenticatePassword(login, password)).toBe(userId);
    expect(await credentials.authenticate(login, `${password}x`)).toBeNull();
  });

  it('authenticates over XML-RPC through the gateway and reads its own user as a member', async () => {
    const uid = await xmlRpc('common', 'authenticate', [DB_NAME, login, password, {}]);
    expect(uid).toBe(`<int>${userId}</int>`);
    expect(await xmlRpc('common', 'authenticate', [DB_NAME, login, 'not the password', {}])).toBe('<boolean>0</boolean>');
    const own = await xmlRpc('object', 'execute_kw', [DB_NAME, userId, password, 'res.users', 'read', [[userId], ['hp_user_type', 'share']], {}]);
    expect(own).toContain('<name>hp_user_type</name><value><string>member</string></value>');
    expect(own).toContain('<name>share</name><value><boolean>0</boolean></value>');
  });

  /** The first `<value>` of a methodResponse's param, or the fault. */
  async function xmlRpc(service: string, method: string, params: unknown[]): Promise<string> {
    const response = await fetch(`${gateway.url}/xmlrpc/2/${service}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param><value>${xmlValue(p)}</value></param>`).join('')}</params></methodCall>`,
    });
    const raw = await response.text();
    if (raw.includes('<fault>')) throw new Error(`XML-RPC fault: ${raw}`);
    return /<param>\s*<value>([\s\S]*)<\/value>\s*<\/param>/.exec(raw)?.[1]?.replace(/>\s+</g, '><') ?? raw;
  }
});

describe('one user per login', () => {
  it('refuses a login that exists, archived users included', async () => {
    expect((await refusal({ login: 'member001@hp.example', name: 'Copy Cat', password: PASSWORD })).reason).toBe('login_taken');
    // `default` is the archived template user: login_key spans every row.
    expect((await refusal({ login: 'default', name: 'Copy Cat', password: PASSWORD })).reason).toBe('login_taken');
    expect(await countUsers('default')).toBe(1);
  });

  it('gives one user and login_taken to the others when registrations race for a login', async () => {
    const login = 'racer@hp.example';
    const results = await Promise.allSettled([1, 2, 3].map((i) => registrar.register({ login, name: `Racer ${i}`, password: PASSWORD })));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason instanceof RegistrationRefused ? r.reason.reason : String(r.reason)))).toEqual(['login_taken', 'login_taken']);
    expect(await countUsers(login)).toBe(1);
    // The losers' transactions rolled back whole: no partner without its user.
    const partners = await db.pool.query(`SELECT 1 FROM res_partner WHERE name LIKE 'Racer %'`);
    expect(partners.rowCount).toBe(1);
  });

  it('answers login_taken when the row that takes the login commits while the create waits on it (login_key)', async () => {
    const login = 'blocked@hp.example';
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      // Another writer's uncommitted user with the login: the registration's check cannot see it, its INSERT waits.
      await blocker.query(
        `INSERT INTO res_users (company_id, partner_id, active, login, share, notification_type, hp_user_type)
         SELECT company_id, partner_id, false, $1, share, notification_type, hp_user_type FROM res_users WHERE login = 'member001@hp.example'`,
        [login],
      );
      const pending = registrar.register({ login, name: 'Late Comer', password: PASSWORD }).then(
        () => null,
        (e: unknown) => e,
      );
      await waitUntil(async () => (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rowCount === 1);
      await blocker.query('COMMIT');
      const error = await pending;
      expect(error).toBeInstanceOf(RegistrationRefused);
      expect((error as RegistrationRefused).reason).toBe('login_taken');
      expect(await countUsers(login)).toBe(1);
      expect((await db.pool.query(`SELECT 1 FROM res_partner WHERE name = 'Late Comer'`)).rowCount).toBe(0);
    } finally {
      await blocker.end();
    }
  });
});

describe('input rules', () => {
  const valid: RegistrationInput = { login: 'rules@hp.example', name: 'Rule Abiding', password: PASSWORD };

  it('refuses invalid input with its reason and writes nothing', async () => {
    const cases: Array<[Partial<RegistrationInput>, string]> = [
      [{ password: '' }, 'invalid_password'],
      [{ password: 'seven7!' }, 'invalid_password'],
      [{ password: 'x'.repeat(MAX_PASSWORD_BYTES + 1) }, 'invalid_password'],
      [{ email: 'not-an-address' }, 'invalid_email'],
      [{ login: 'half@address' }, 'invalid_email'],
      [{ login: '   ' }, 'invalid_login'],
      [{ login: 'tab\there' }, 'invalid_login'],
      [{ name: ' ' }, 'invalid_name'],
      [{ lang: 'fr_FR' }, 'invalid_lang'],
      [{ lang: 'xx_XX' }, 'invalid_lang'],
      [{ tz: 'Mars/Olympus_Mons' }, 'invalid_tz'],
      [{ tz: '' }, 'invalid_tz'],
    ];
    const usersBefore = (await db.pool.query('SELECT count(*) FROM res_users')).rows[0];
    for (const [change, reason] of cases) {
      expect({ change, reason: (await refusal({ ...valid, ...change })).reason }).toEqual({ change, reason });
    }
    expect((await db.pool.query('SELECT count(*) FROM res_users')).rows[0]).toEqual(usersBefore);
  });

  it('counts password characters as code points and bytes as UTF-8, up to passlib\'s 4096', () => {
    const check = (password: string) => () => checkRegistrationInput({ ...valid, password });
    expect(check('😀'.repeat(7))).toThrow(RegistrationRefused); // 28 bytes, 14 UTF-16 units, 7 characters
    expect(check('😀'.repeat(8))).not.toThrow();
    expect(check('é'.repeat(MAX_PASSWORD_BYTES / 2))).not.toThrow(); // exactly 4096 bytes
    expect(check(`${'é'.repeat(MAX_PASSWORD_BYTES / 2 - 1)}éa`)).toThrow(RegistrationRefused); // 4097 bytes, 2049 characters
  });

  it('accepts every dot-atom address with a host name domain', () => {
    const atext = fc.constantFrom(...'abcXYZ019!#$%&\'*+-/=?^_`{|}~');
    const atom = fc.string({ unit: atext, minLength: 1, maxLength: 10 });
    const local = fc.array(atom, { minLength: 1, maxLength: 4 }).map((a) => a.join('.'));
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
    const tld = fc.stringMatching(/^[a-z]{2,10}$/);
    const domain = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld).map(([labels, top]) => [...labels, top].join('.'));
    fc.assert(fc.property(local, domain, (l, d) => isValidEmailAddress(`${l}@${d}`)));
    fc.assert(fc.property(fc.emailAddress(), (address) => address.length > 254 || address.split('@')[0]!.length > 64 || /\.[0-9]+$/.test(address) || isValidEmailAddress(address)));
  });

  it('refuses what is no single dot-atom mailbox', () => {
    for (const bad of [
      '',
      'plain',
      '@hp.example',
      'a@',
      'a@@hp.example',
      'a@b@hp.example',
      'a..b@hp.example',
      '.a@hp.example',
      'a.@hp.example',
      'a b@hp.example',
      '"quoted"@hp.example',
      '"a@b.example,"@c.example',
      'a@localhost',
      'a@-hp.example',
      'a@hp-.example',
      'a@hp..example',
      'a@[127.0.0.1]',
      'a@1.2.3.4',
      'a@hp.example.',
      'ä@hp.example',
      `${'a'.repeat(65)}@hp.example`,
      `a@${'b'.repeat(64)}.example`,
      `a@${'b.'.repeat(126)}ex`,
    ]) {
      expect({ bad, valid: isValidEmailAddress(bad) }).toEqual({ bad, valid: false });
    }
    // Anything with white space, a control character or without exactly one '@' is refused, whatever else it holds.
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(' ', '\t', '\n', '\u0000', '\u007f', ','), fc.string(), (a, odd, b) => !isValidEmailAddress(`${a}${odd}${b}@hp.example`)),
    );
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('@')), (s) => !isValidEmailAddress(s)));
  });
});

describe('the event loop stays free', () => {
  it('hashes the password off the event loop: the loop never stalls for a fraction of what one hash costs', async () => {
    // One hash at Odoo's cost, on the loop, here: what a synchronous hash inside the registration would block it for.
    const started = performance.now();
    pbkdf2Sync('probe', randomBytes(16), 600_000, 64, 'sha512');
    const hashCost = performance.now() - started;

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    await registrar.register({ login: 'loop@hp.example', name: 'Loop Watcher', password: PASSWORD });
    delay.disable();
    const worstStallMs = delay.max / 1e6;
    expect(worstStallMs).toBeLessThan(hashCost / 2);
  });
});

/** Rows whose create/write stamp is new since `before`. */
function touchedSince(before: RowStamp, after: RowStamp): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const [table, rows] of after) {
    for (const [id, stamp] of rows) {
      if (before.get(table)?.get(id) === stamp) continue;
      if (!out.has(table)) out.set(table, new Set());
      out.get(table)!.add(id);
    }
  }
  return out;
}

/** What the recorder dumps for a res.users create (record_stored_rows.py): touched rows, the partner, its chatter and followers, the group links. */
async function rowsOfNewUser(dumper: RowDumper, touched: Map<string, Set<number>>, userId: number, partnerId: number, recordedTables: string[]): Promise<Record<string, Array<Record<string, unknown>>>> {
  const rows: Record<string, Array<Record<string, unknown>>> = {};
  const chatter = ['mail_message', 'mail_followers', 'mail_tracking_value', 'mail_notification'];
  for (const table of new Set([...touched.keys(), ...recordedTables])) {
    if (chatter.includes(table) || table === 'res_groups_users_rel') continue;
    const ids = new Set(touched.get(table) ?? []);
    if (table === 'res_users') ids.add(userId);
    if (table === 'res_partner') ids.add(partnerId);
    rows[table] = await dumper.byIds(table, ids);
  }
  rows.res_groups_users_rel = await dumper.rows('res_groups_users_rel', 'uid = $1', [userId]);
  const messages = await dumper.rows('mail_message', `model = 'res.partner' AND res_id = $1`, [partnerId]);
  rows.mail_message = await dumper.byIds('mail_message', [...messages.map((m) => m.id as number), ...(touched.get('mail_message') ?? [])]);
  const messageIds = rows.mail_message.map((m) => m.id as number);
  rows.mail_tracking_value = messageIds.length ? await dumper.rows('mail_tracking_value', 'mail_message_id = ANY($1::int4[])', [messageIds]) : [];
  rows.mail_notification = messageIds.length ? await dumper.rows('mail_notification', 'mail_message_id = ANY($1::int4[])', [messageIds]) : [];
  rows.mail_followers = await dumper.rows('mail_followers', `res_model = 'res.partner' AND res_id = $1`, [partnerId]);
  for (const [table, list] of Object.entries(rows)) if (!list.length && !recordedTables.includes(table)) delete rows[table];
  return rows;
}

/** Columns that point at the new user or its partner. */
const USER_COLUMNS: Record<string, string[]> = { res_users: ['id'], res_groups_users_rel: ['uid'], res_users_settings: ['user_id'] };
const PARTNER_COLUMNS: Record<string, string[]> = {
  res_partner: ['id', 'commercial_partner_id'],
  res_users: ['partner_id'],
  discuss_channel_member: ['partner_id'],
  ir_attachment: ['res_id'],
  mail_message: ['res_id'],
  mail_followers: ['res_id'],
};

/**
 * Ids come from sequences, and earlier recorded steps drew some of them (STORED-ROWS.md §3):
 * the user and partner ids, and the foreign keys to them, become the recorded ones; the other
 * tables' own ids are mapped by creation order.
 */
function renumber(
  actual: Record<string, Array<Record<string, unknown>>>,
  recorded: Record<string, Array<Record<string, unknown>>>,
  map: { user: [number, number]; partner: [number, number] },
): void {
  for (const [table, rows] of Object.entries(actual)) {
    for (const [i, row] of rows.entries()) {
      for (const column of USER_COLUMNS[table] ?? []) if (row[column] === map.user[0]) row[column] = map.user[1];
      for (const column of PARTNER_COLUMNS[table] ?? []) if (row[column] === map.partner[0]) row[column] = map.partner[1];
      const ownIdIsReference = (USER_COLUMNS[table] ?? []).includes('id') || (PARTNER_COLUMNS[table] ?? []).includes('id');
      const recordedRow = recorded[table]?.[i];
      if ('id' in row && !ownIdIsReference && recordedRow && 'id' in recordedRow) row.id = recordedRow.id;
    }
  }
}

/** An attachment whose checksum is volatile has volatile bytes: its size too (as in stored-rows.test.ts). */
function withSameBytes(volatile: readonly string[]): string[] {
  const sizes = volatile.filter((p) => /^\/rows\/ir_attachment\/\d+\/checksum$/.test(p)).map((p) => p.replace(/checksum$/, 'file_size'));
  return [...volatile, ...sizes];
}

function xmlValue(value: unknown): string {
  if (typeof value === 'number') return `<int>${value}</int>`;
  if (typeof value === 'string') return `<string>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</string>`;
  if (typeof value === 'boolean') return `<boolean>${value ? 1 : 0}</boolean>`;
  if (Array.isArray(value)) return `<array><data>${value.map((v) => `<value>${xmlValue(v)}</value>`).join('')}</data></array>`;
  const members = Object.entries(value as Record<string, unknown>).map(([k, v]) => `<member><name>${k}</name><value>${xmlValue(v)}</value></member>`);
  return `<struct>${members.join('')}</struct>`;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
