import type pg from 'pg';
import type { Logger } from 'pino';
import type { BehaviourRegistry, OrmEngine } from '../../../odoo-bridge/orm/index.ts';
import { checkRegistrationInput, RegistrationRefused, type CheckedRegistration } from './register-input.ts';
import { legacyUsersEngine } from './register-legacy-engine.ts';

export { RegistrationRefused, type RefusalReason } from './register-input.ts';

/**
 * `POST /auth/register`: a platform member signs up. The user is made by the ORM engine's
 * `res.users.create` in the monolith's database, which keeps owning `res_users`/`res_partner`,
 * so the rows are the ones Odoo itself stores when an administrator creates a member (the
 * recorded `stored.hp_legacy.18` step: `groups_id = [(6, 0, [member group])]`,
 * `hp_user_type = 'member'`): the partner with its "Contact created" note and the creator as
 * follower, the member group and what it implies (Internal User and its implied groups; not the
 * template user's extra rights — every member of the monolith has exactly these), the company
 * and allowed companies, notification type, signature, settings, initials avatar, general
 * channel, and the password hashed by `_set_password` in passlib's `$pbkdf2-sha512$…` form
 * (crypto.pbkdf2 on libuv's pool: never on the event loop). Odoo verifies it as is.
 *
 * As auth_signup's sign-up does, the call carries `no_reset_password` (no invitation mail: the
 * member chose a password) and the email defaults to the login when the login is an address.
 * The login is unique exactly as Odoo has it (`login_key`: case-sensitive, archived users
 * included); two registrations racing for one login end as one user and one `login_taken`.
 */
export interface RegistrationInput {
  login: string;
  password: string;
  name: string;
  email?: string;
  lang?: string;
  tz?: string;
}

export interface RegisteredMember {
  userId: number;
  partnerId: number;
  /** The login as stored (surrounding white space removed). */
  login: string;
}

export interface MemberRegistrar {
  register(input: RegistrationInput): Promise<RegisteredMember>;
}

export interface MemberRegistrarOptions {
  logger?: Logger;
  /** The name clients use for the legacy database (default `hp_legacy`). */
  databaseName?: string;
  /** Odoo's filestore directory of the legacy database, for the generated avatar. */
  filestore?: string | null;
  /** The legacy side's complete model behaviour, when the host has it (see register-legacy-engine.ts). */
  behaviours?: BehaviourRegistry;
}

const MEMBER_GROUP = 'hp_account.group_hp_member';
/** The creator, as when an administrator creates the member in Odoo (create_uid, note author, follower). */
const CREATOR = 'base.user_admin';

export function memberRegistrar(legacyPool: pg.Pool, options: MemberRegistrarOptions = {}): MemberRegistrar {
  const databaseName = options.databaseName ?? 'hp_legacy';
  const engine = legacyUsersEngine(legacyPool, { databaseName, filestore: options.filestore ?? null, ...(options.behaviours ? { behaviours: options.behaviours } : {}) });
  const logger = options.logger;
  let references: Promise<{ creator: number; memberGroup: number }> | null = null;
  const referencesOnce = () => {
    references ??= resolveReferences(legacyPool).catch((error: unknown) => {
      references = null;
      throw error;
    });
    return references;
  };

  return {
    async register(input) {
      let checked: CheckedRegistration;
      try {
        checked = checkRegistrationInput(input);
        await checkLanguage(legacyPool, checked.lang);
        // Spares the password hash when the answer is already known; the race is settled by `login_key`.
        if (await loginExists(legacyPool, checked.login)) throw loginTaken();
      } catch (error) {
        if (error instanceof RegistrationRefused) logger?.info({ reason: error.reason }, 'registration refused');
        throw error;
      }
      const { creator, memberGroup } = await referencesOnce();
      let userId: number;
      try {
        userId = await createMember(engine, databaseName, creator, memberGroup, checked);
      } catch (error) {
        // The other registration of a race committed first: PostgreSQL refused this row on `login_key`.
        if (await loginExists(legacyPool, checked.login).catch(() => false)) {
          logger?.info({ reason: 'login_taken' }, 'registration refused');
          throw loginTaken();
        }
        throw error;
      }
      const partner = await legacyPool.query<{ partner_id: number }>('SELECT partner_id FROM res_users WHERE id = $1', [userId]);
      const partnerId = partner.rows[0]!.partner_id;
      logger?.info({ userId, partnerId }, 'member registered');
      return { userId, partnerId, login: checked.login };
    },
  };
}

async function createMember(engine: OrmEngine, database: string, creator: number, memberGroup: number, member: CheckedRegistration): Promise<number> {
  const vals: Record<string, unknown> = {
    name: member.name,
    login: member.login,
    password: member.password,
    groups_id: [[6, 0, [memberGroup]]],
    hp_user_type: 'member',
  };
  if (member.email != null) vals.email = member.email;
  if (member.lang != null) vals.lang = member.lang;
  if (member.tz != null) vals.tz = member.tz;
  const id = await engine.call({
    database,
    uid: creator,
    model: 'res.users',
    method: 'create',
    args: [vals],
    kwargs: { context: { no_reset_password: true } },
  });
  if (typeof id !== 'number') throw new Error(`res.users.create answered ${JSON.stringify(id)} instead of an id`);
  return id;
}

function loginTaken(): RegistrationRefused {
  return new RegistrationRefused('login_taken', 'Another user is already registered with this login.');
}

/** `login_key` is UNIQUE (login) over every row, archived users included. */
async function loginExists(pool: pg.Pool, login: string): Promise<boolean> {
  const r = await pool.query('SELECT 1 FROM res_users WHERE login = $1', [login]);
  return (r.rowCount ?? 0) > 0;
}

/** `res.partner.lang` is a selection of the active languages (`_lang_get`). */
async function checkLanguage(pool: pg.Pool, lang: string | null): Promise<void> {
  if (lang == null) return;
  const r = await pool.query('SELECT 1 FROM res_lang WHERE code = $1 AND active', [lang]);
  if (!r.rowCount) throw new RegistrationRefused('invalid_lang', 'The language is not an active language.');
}

/** By xmlid, never by id: ids differ between databases. */
async function resolveReferences(pool: pg.Pool): Promise<{ creator: number; memberGroup: number }> {
  const [creator, memberGroup] = await Promise.all([xmlidToId(pool, CREATOR, 'res.users'), xmlidToId(pool, MEMBER_GROUP, 'res.groups')]);
  return { creator, memberGroup };
}

async function xmlidToId(pool: pg.Pool, xmlid: string, model: string): Promise<number> {
  const [module, name] = xmlid.split('.') as [string, string];
  const r = await pool.query<{ res_id: number }>('SELECT res_id FROM ir_model_data WHERE module = $1 AND name = $2 AND model = $3', [module, name, model]);
  const id = r.rows[0]?.res_id;
  if (id == null) throw new Error(`the legacy database has no ${model} ${xmlid}`);
  return id;
}
