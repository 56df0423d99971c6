import type pg from 'pg';
import { missingBehaviour } from '../errors.ts';
import { VERSION_INFO } from '../rpc/version.ts';

/**
 * `ir.http.session_info()` of Odoo 18 for a logged-in user, read from the database. The web
 * module's keys are always there (those for backend users only when the user is internal); keys
 * that installed addons add (bus, web_tour, base_setup, mail, mail_bot, partner_autocomplete,
 * spreadsheet, barcodes, cloud_storage, google_recaptcha) appear only when that addon is
 * installed in this database, with each override's own condition, as in Odoo. Values that only matter to Odoo's own web client and differ per run (asset hashes,
 * the Discuss store) are given in their shape, not their content.
 */
export async function buildSessionInfo(pool: pg.Pool, database: string, uid: number): Promise<Record<string, unknown>> {
  const [user, groups, modules, params, currencies, companies, settings] = await Promise.all([
    loadUser(pool, uid),
    loadGroupXmlIds(pool, uid),
    loadInstalledModules(pool),
    loadConfigParameters(pool),
    loadCurrencies(pool),
    loadAllowedCompanies(pool, uid),
    loadUserSettings(pool, uid),
  ]);
  const lang = user.lang ?? 'en_US';
  const internal = groups.has('base.group_user');
  const isAdmin = groups.has('base.group_erp_manager') || groups.has('base.group_system');
  // addons/web/models/ir_http.py `session_info`, then each installed module's override in
  // dependency order (bus, web_tour, base_setup, mail, mail_bot, partner_autocomplete, …).
  const info: Record<string, unknown> = {
    uid,
    is_system: groups.has('base.group_system'),
    is_admin: isAdmin,
    is_public: groups.has('base.group_public'),
    is_internal_user: internal,
    user_context: { lang, tz: user.tz ?? false, uid },
    db: database,
    // res.users.settings is base's; mail adds its fields (see loadUserSettings).
    user_settings: settings ?? false,
    server_version: VERSION_INFO.server_version,
    server_version_info: VERSION_INFO.server_version_info,
    support_url: 'https://www.odoo.com/buy',
    name: user.name,
    username: user.login,
    partner_write_date: user.partner_write_date,
    partner_display_name: user.partner_display_name,
    partner_id: user.partner_id,
    'web.base.url': params.get('web.base.url') ?? '',
    active_ids_limit: Number(params.get('web.active_ids_limit') ?? 20000),
    profile_session: null,
    profile_collectors: null,
    profile_params: null,
    max_file_upload_size: Number(params.get('web.max_file_upload_size') ?? 134217728),
    home_action_id: user.action_id ?? false,
    cache_hashes: internal ? { translations: '', load_menus: '' } : { translations: '' },
    currencies,
    bundle_params: { lang },
    test_mode: false,
    view_info: viewInfo(modules),
  };
  if (internal) {
    Object.assign(info, {
      user_companies: {
        current_company: user.company_id,
        allowed_companies: Object.fromEntries(companies.map((c) => [String(c.id), c])),
        disallowed_ancestor_companies: {},
      },
      show_effect: true,
      display_switch_company_menu: groups.has('base.group_multi_company') && companies.length > 1,
    });
  }
  if (modules.has('bus')) info.websocket_worker_version = '18.0-2';
  if (modules.has('web_tour')) Object.assign(info, { tour_enabled: user.tour_enabled === true, current_tour: await currentTour(pool, user, internal, lang) });
  // base_setup: `bool(get_param('base_setup.show_effect'))`, any stored text is true.
  if (modules.has('base_setup') && internal) info.show_effect = Boolean(params.get('base_setup.show_effect'));
  if (modules.has('mail')) info.storeData = {};
  if (modules.has('mail_bot') && internal) info.odoobot_initialized = !['not_initialized', null].includes(user.odoobot_state);
  if (modules.has('partner_autocomplete') && isAdmin) info.iap_company_enrich = !(await companyEnrichDone(pool, user.company_id));
  if (modules.has('spreadsheet')) info.can_insert_in_spreadsheet = false;
  if (modules.has('barcodes') && internal) info.max_time_between_keys_in_ms = Number.parseInt(params.get('barcode.max_time_between_keys_in_ms') ?? '150', 10);
  if (modules.has('cloud_storage') && params.get('cloud_storage_provider')) {
    info.cloud_storage_min_file_size = params.get('cloud_storage_min_file_size') ?? 20_000_000;
  }
  if (modules.has('google_recaptcha') && params.get('recaptcha_public_key')) info.recaptcha_public_key = params.get('recaptcha_public_key');
  for (const module of MODULES_NOT_REPRODUCED) {
    if (modules.has(module)) throw missingBehaviour('ir.http', `session_info() as the module ${module} extends it`);
  }
  return info;
}

/**
 * Installed modules whose `session_info` override reads more than settings (timesheet UoMs per
 * company, the GS1 nomenclature): refused rather than answered without their keys.
 */
const MODULES_NOT_REPRODUCED = ['hr_timesheet', 'barcodes_gs1_nomenclature'];

/**
 * web_tour `get_current_tour` (addons/web_tour/models/tour.py): for an internal user with tours
 * enabled, the first tour (in `_order` sequence, name, id) that is not custom and that the user
 * has not consumed, as `_get_tour_json` writes it — its name, url and custom flag, its steps
 * (trigger, run, and content when there is one; in the steps' `_order` sequence, id) and its
 * rainbow-man message in the user's language; False when none is left; None when tours are off.
 */
async function currentTour(pool: pg.Pool, user: UserFacts, internal: boolean, lang: string): Promise<unknown> {
  if (!(user.tour_enabled === true && internal)) return null;
  const { rows } = await pool.query<{ id: number; name: string; url: string | null; custom: boolean | null; message: Record<string, string> | null }>(
    `SELECT t.id, t.name, t.url, t.custom, t.rainbow_man_message AS message FROM web_tour_tour t
      WHERE NOT coalesce(t.custom, false)
        AND NOT EXISTS (SELECT 1 FROM res_users_web_tour_tour_rel r WHERE r.web_tour_tour_id = t.id AND r.res_users_id = $1)
      ORDER BY t.sequence, t.name, t.id LIMIT 1`,
    [user.id],
  );
  const tour = rows[0];
  if (!tour) return false;
  const steps = await pool.query<{ trigger: string; content: string | null; run: string | null }>(
    'SELECT trigger, content, run FROM web_tour_tour_step WHERE tour_id = $1 ORDER BY sequence, id',
    [tour.id],
  );
  return {
    name: tour.name,
    url: tour.url ?? false,
    custom: tour.custom === true,
    steps: steps.rows.map((step) => ({ trigger: step.trigger, ...(step.content ? { content: step.content } : {}), run: step.run ?? false })),
    rainbowManMessage: tour.message ? (tour.message[lang] ?? tour.message.en_US ?? false) : false,
  };
}

async function companyEnrichDone(pool: pg.Pool, companyId: number): Promise<boolean> {
  if (!(await columnExists(pool, 'res_company', 'iap_enrich_auto_done'))) return false;
  const { rows } = await pool.query<{ done: boolean | null }>('SELECT iap_enrich_auto_done AS done FROM res_company WHERE id = $1', [companyId]);
  return rows[0]?.done === true;
}

interface UserFacts {
  id: number;
  tour_enabled: boolean | null;
  name: string;
  login: string;
  lang: string | null;
  tz: string | null;
  partner_id: number;
  partner_write_date: string;
  partner_display_name: string;
  action_id: number | null;
  company_id: number;
  odoobot_state: string | null;
}

async function loadUser(pool: pg.Pool, uid: number): Promise<UserFacts> {
  const hasOdoobot = await columnExists(pool, 'res_users', 'odoobot_state');
  const hasTourEnabled = await columnExists(pool, 'res_users', 'tour_enabled');
  const { rows } = await pool.query<UserFacts>(
    `SELECT u.id, ${hasTourEnabled ? 'u.tour_enabled' : 'NULL::boolean'} AS tour_enabled, p.name, u.login, p.lang, p.tz, p.id AS partner_id,
            to_char(p.write_date, 'YYYY-MM-DD HH24:MI:SS') AS partner_write_date,
            coalesce(p.complete_name, p.name) AS partner_display_name,
            u.action_id, u.company_id, ${hasOdoobot ? 'u.odoobot_state' : 'NULL::varchar'} AS odoobot_state
       FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`,
    [uid],
  );
  if (!rows[0]) throw new Error(`user ${uid} vanished`);
  return rows[0];
}

async function loadGroupXmlIds(pool: pg.Pool, uid: number): Promise<Set<string>> {
  // Closed over implied groups, as Odoo's has_group sees them.
  const { rows } = await pool.query<{ xmlid: string }>(
    `WITH RECURSIVE groups(gid) AS (
       SELECT gid FROM res_groups_users_rel WHERE uid = $1
       UNION SELECT r.hid FROM res_groups_implied_rel r JOIN groups g ON r.gid = g.gid)
     SELECT d.module || '.' || d.name AS xmlid FROM groups g
       JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = g.gid`,
    [uid],
  );
  return new Set(rows.map((r) => r.xmlid));
}

async function loadInstalledModules(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ name: string }>(`SELECT name FROM ir_module_module WHERE state = 'installed'`);
  return new Set(rows.map((r) => r.name));
}

async function loadConfigParameters(pool: pg.Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ key: string; value: string }>(
    `SELECT key, value FROM ir_config_parameter WHERE key = ANY($1::text[])`,
    [[
      'web.base.url', 'web.active_ids_limit', 'web.max_file_upload_size', 'base_setup.show_effect',
      'barcode.max_time_between_keys_in_ms', 'cloud_storage_provider', 'cloud_storage_min_file_size', 'recaptcha_public_key',
    ]],
  );
  return new Map(rows.map((r) => [r.key, r.value]));
}

async function loadCurrencies(pool: pg.Pool): Promise<Record<string, unknown>> {
  const { rows } = await pool.query<{ id: number; symbol: string; position: string; decimal_places: number }>(
    `SELECT id, symbol, position, decimal_places FROM res_currency WHERE active ORDER BY id`,
  );
  return Object.fromEntries(rows.map((c) => [String(c.id), { symbol: c.symbol, position: c.position, digits: [69, c.decimal_places] }]));
}

async function loadAllowedCompanies(pool: pg.Pool, uid: number) {
  const { rows } = await pool.query<{ id: number; name: string; sequence: number; parent_id: number | null; child_ids: number[] }>(
    `SELECT c.id, c.name, c.sequence, c.parent_id,
            coalesce((SELECT array_agg(k.id ORDER BY k.id) FROM res_company k WHERE k.parent_id = c.id), '{}') AS child_ids
       FROM res_company_users_rel r JOIN res_company c ON c.id = r.cid WHERE r.user_id = $1 ORDER BY c.sequence, c.id`,
    [uid],
  );
  // An integer field read as NULL is 0 in Odoo.
  return rows.map((c) => ({ id: c.id, name: c.name, sequence: c.sequence ?? 0, child_ids: c.child_ids, parent_id: c.parent_id ?? false }));
}

async function loadUserSettings(pool: pg.Pool, uid: number): Promise<Record<string, unknown> | undefined> {
  if (!(await tableExists(pool, 'res_users_settings'))) return undefined;
  const withMail = await columnExists(pool, 'res_users_settings', 'is_discuss_sidebar_category_channel_open');
  await createUserSettingsIfMissing(pool, uid, withMail);
  // Without mail the model has base's fields only: `_res_users_settings_format` gives id and user_id.
  if (!withMail) {
    const { rows } = await pool.query<{ id: number }>('SELECT id FROM res_users_settings WHERE user_id = $1', [uid]);
    return rows[0] ? { id: rows[0].id, user_id: { id: uid } } : undefined;
  }
  const { rows } = await pool.query(
    `SELECT id, is_discuss_sidebar_category_channel_open, is_discuss_sidebar_category_chat_open,
            push_to_talk_key, use_push_to_talk, voice_active_duration, channel_notifications,
            to_char(mute_until_dt, 'YYYY-MM-DD HH24:MI:SS') AS mute_until_dt
       FROM res_users_settings WHERE user_id = $1`,
    [uid],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    user_id: { id: uid },
    is_discuss_sidebar_category_channel_open: row.is_discuss_sidebar_category_channel_open ?? false,
    is_discuss_sidebar_category_chat_open: row.is_discuss_sidebar_category_chat_open ?? false,
    push_to_talk_key: row.push_to_talk_key ?? false,
    use_push_to_talk: row.use_push_to_talk ?? false,
    voice_active_duration: row.voice_active_duration ?? 0,
    channel_notifications: row.channel_notifications ?? false,
    mute_until_dt: row.mute_until_dt ?? false,
    volumes: [['ADD', []]],
  };
}

/**
 * web's session_info calls `res.users.settings._find_or_create_for_user(user)`
 * (base/models/res_users_settings.py): a user without a settings row (a portal user's first
 * session) gets one, created sudo (create_uid is still the user) with the fields' defaults — mail's
 * res_users_settings.py: both sidebar categories open, no push-to-talk, 200 ms of voice activity.
 * UNIQUE(user_id) makes a concurrent first session find the other's row.
 */
async function createUserSettingsIfMissing(pool: pg.Pool, uid: number, withMail: boolean): Promise<void> {
  const mailColumns = withMail
    ? { names: ', is_discuss_sidebar_category_channel_open, is_discuss_sidebar_category_chat_open, use_push_to_talk, voice_active_duration', values: ', true, true, false, 200' }
    : { names: '', values: '' };
  await pool.query(
    `INSERT INTO res_users_settings (user_id, create_uid, write_uid, create_date, write_date${mailColumns.names})
     SELECT u.id, u.id, u.id, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'${mailColumns.values}
       FROM res_users u WHERE u.id = $1 AND NOT EXISTS (SELECT 1 FROM res_users_settings WHERE user_id = $1)
     ON CONFLICT (user_id) DO NOTHING`,
    [uid],
  );
}

function viewInfo(modules: Set<string>): Record<string, unknown> {
  const views: Record<string, unknown> = {
    list: { display_name: 'List', icon: 'oi oi-view-list', multi_record: true },
    form: { display_name: 'Form', icon: 'fa fa-address-card', multi_record: false },
    graph: { display_name: 'Graph', icon: 'fa fa-area-chart', multi_record: true },
    pivot: { display_name: 'Pivot', icon: 'oi oi-view-pivot', multi_record: true },
    calendar: { display_name: 'Calendar', icon: 'fa fa-calendar', multi_record: true },
    kanban: { display_name: 'Kanban', icon: 'oi oi-view-kanban', multi_record: true },
    search: { display_name: 'Search', icon: 'oi oi-search', multi_record: true },
  };
  if (modules.has('mail')) views.activity = { display_name: 'Activity', icon: 'fa fa-clock-o', multi_record: true };
  return views;
}

async function tableExists(pool: pg.Pool, table: string): Promise<boolean> {
  const { rows } = await pool.query(`SELECT to_regclass($1) IS NOT NULL AS found`, [table]);
  return rows[0]?.found === true;
}

async function columnExists(pool: pg.Pool, table: string, column: string): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return rows.length > 0;
}
