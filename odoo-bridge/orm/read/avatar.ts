import { sql, type RawBuilder } from 'kysely';
import { classesInMro } from '../registry/python-field-facts-depends.ts';
import { PYTHON_FIELD_FACTS } from '../registry/python-field-facts.generated.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';
import { avatarSvg } from '../write/core/partner-avatar.ts';
import { AVATAR_PLACEHOLDERS } from './avatar-placeholders.generated.ts';
import { humanSize } from './binary.ts';

type Sql = RawBuilder<unknown>;

/**
 * avatar.mixin's `avatar_<size>` computes (base/models/avatar_mixin.py `_compute_avatar`), and
 * res.partner's override (base/models/res_partner.py):
 *
 * - avatar.mixin: the record's `image_<size>`, else (a saved record with a name) the generated
 *   SVG of `_avatar_generate_svg`, else the grey placeholder PNG;
 * - res.partner: a partner with an internal user (an active user that is not `share`) follows the
 *   mixin; any other partner without an image gets the placeholder of its kind
 *   (`_avatar_get_placeholder_path`: company, delivery truck, invoice money, else grey); with an
 *   image, the image.
 *
 * With `bin_size` in the context the size of the decoded value (fields.Binary `compute_value`
 * computes without it, then caches `human_size(len(b64decode(value)))`).
 */
const SIZES = new Set(['1920', '1024', '512', '256', '128']);

/** The column the reader selects the compute's per-record facts under (not a field name: no clash). */
export const AVATAR_FACTS_COLUMN = '__avatar_facts';

function inheritsAvatarMixin(model: string): boolean {
  const seen = [model];
  for (let i = 0; i < seen.length; i++) {
    if (seen[i] === 'avatar.mixin') return true;
    for (const p of PYTHON_FIELD_FACTS.inherits[seen[i]!] ?? []) if (!seen.includes(p)) seen.push(p);
  }
  return false;
}

/** The image field an avatar field shows (`image_128` for `avatar_128`), when Ficus computes it on `model`. */
export function avatarImageField(model: ModelInfo, name: string): string | null {
  const m = /^avatar_(\d+)$/.exec(name);
  if (!m || !SIZES.has(m[1]!)) return null;
  const field = model.fields.get(name);
  const image = model.fields.get(`image_${m[1]}`);
  if (!field || field.store || field.inheritedVia || field.related || !image || !model.table) return null;
  return inheritsAvatarMixin(model.name) ? image.name : null;
}

/** `_avatar_name_field` along the model's classes (avatar.mixin: 'name'). */
function avatarNameField(registry: Registry, model: ModelInfo): string {
  for (const klass of classesInMro(registry, model.name)) {
    const value = klass.attrs?._avatar_name_field;
    if (value) return value;
  }
  return 'name';
}

/** The per-record facts the compute reads, as one JSON column. */
export function avatarFactsSql(registry: Registry, model: ModelInfo, alias: string): Sql {
  const ref = (name: string) => sql.ref(`${alias}.${name}`);
  const nameField = avatarNameField(registry, model);
  const partner = model.name === 'res.partner';
  return sql`json_build_object(
    'name', ${model.fields.get(nameField)?.column ? ref(nameField) : sql`NULL`},
    'epoch', ${model.fields.get('create_date')?.column ? sql`extract(epoch FROM ${ref('create_date')})::text` : sql`NULL`},
    'isCompany', ${partner ? ref('is_company') : sql`false`},
    'type', ${partner ? ref('type') : sql`NULL`},
    'internalUser', ${partner ? sql`EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = ${ref('id')} AND u.active AND NOT u.share)` : sql`true`})`;
}

export interface AvatarFacts {
  name: string | null;
  epoch: string | null;
  isCompany: boolean | null;
  type: string | null;
  internalUser: boolean;
}

function placeholderPath(model: ModelInfo, facts: AvatarFacts): string {
  if (model.name === 'res.partner') {
    if (facts.isCompany) return 'base/static/img/company_image.png';
    if (facts.type === 'delivery') return 'base/static/img/truck.png';
    if (facts.type === 'invoice') return 'base/static/img/money.png';
  }
  return 'base/static/img/avatar_grey.png';
}

/** One record's avatar: its image (base64, or false), else what the compute generates. */
export function avatarValue(model: ModelInfo, id: number, facts: AvatarFacts, image: unknown, binSize: boolean): unknown {
  let value: string;
  if (typeof image === 'string' && image) value = image;
  else if (model.name === 'res.partner' && !facts.internalUser) value = AVATAR_PLACEHOLDERS[placeholderPath(model, facts)]!;
  else if (id && facts.name) value = Buffer.from(avatarSvg(facts.name, facts.epoch), 'utf8').toString('base64');
  else value = AVATAR_PLACEHOLDERS[placeholderPath(model, facts)]!;
  // fields.Binary compute_value: a non-column value is base64-decoded before its size is taken.
  return binSize ? humanSize(Buffer.from(value, 'base64').length) : value;
}
