import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { configParameter } from '../core/xmlid.ts';

/**
 * The default company logo and the images Odoo 18 derives from it with PIL (image.mixin's
 * resized copies, res.company's `logo_web`), computed once with Odoo's own `image_process` by
 * scripts/extract-company-default-logo.py into default-logo.generated.json. Any other logo
 * would need PIL to resize: refused rather than stored unresized.
 */
interface DefaultLogo {
  logo: string;
  logo_web: string;
  image_1920: string;
  image_1024: string;
  image_512: string;
  image_256: string;
  image_128: string;
}

const IMAGE_FIELDS = ['image_1920', 'image_1024', 'image_512', 'image_256', 'image_128'] as const;

let cached: DefaultLogo | undefined;
function defaultLogo(): DefaultLogo {
  cached ??= JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'default-logo.generated.json'), 'utf8')) as DefaultLogo;
  return cached;
}

/** `res.company._get_logo()`: the default logo, base64 as the ORM hands it around. */
export function defaultLogoBase64(): string {
  return defaultLogo().logo;
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The checksum ir.attachment gives the default logo as a partner's image_1920. */
export function defaultImageChecksum(): string {
  return sha1(Buffer.from(defaultLogo().image_1920, 'base64'));
}

/**
 * What a client's `logo` value means: the default logo, no logo (False/None/''), or a custom image
 * Ficus cannot resize.
 */
export function logoKind(value: unknown): 'default' | 'none' {
  if (value === undefined) return 'default';
  if (value === false || value === null || value === '') return 'none';
  if (typeof value === 'string' && value.replace(/\s+/g, '') === defaultLogoBase64()) return 'default';
  throw missingBehaviour('res.company', 'a company logo other than the default one (image.mixin resizes it with PIL)');
}

/**
 * Writing the default logo to a partner's `image_1920` (res.company.logo is related to it): the
 * five image.mixin attachments, as `ir.attachment` stores them (filestore by checksum unless
 * `ir_attachment.location` is `db`), the company of the environment on each.
 */
export async function attachDefaultLogo(ctx: CallContext, partnerId: number): Promise<void> {
  const logo = defaultLogo();
  const location = (await configParameter(ctx.db, 'ir_attachment.location')) ?? 'file';
  for (const field of IMAGE_FIELDS) {
    const bytes = Buffer.from(logo[field], 'base64');
    const checksum = sha1(bytes);
    let storeFname: string | null = null;
    if (location !== 'db' && ctx.filestore) {
      storeFname = `${checksum.slice(0, 2)}/${checksum}`;
      await mkdir(path.join(ctx.filestore, checksum.slice(0, 2)), { recursive: true });
      await writeFile(path.join(ctx.filestore, storeFname), bytes);
    }
    await ctx.db.query(
      `INSERT INTO ir_attachment (name, res_model, res_field, res_id, company_id, type, store_fname, db_datas, checksum, file_size, mimetype, index_content,
                                  create_uid, write_uid, create_date, write_date)
       VALUES ($1, 'res.partner', $1, $2, $3, 'binary', $4, $5, $6, $7, 'image/png', 'image', $8, $8, (now() at time zone 'UTC'), (now() at time zone 'UTC'))`,
      [field, partnerId, ctx.access.companyId, storeFname, storeFname ? null : bytes, checksum, bytes.length, ctx.uid],
    );
  }
}

/**
 * `_compute_logo_web` and `_compute_uses_default_logo` (base/models/res_company.py) from the
 * company partner's image_1920 attachment: none gives no web logo and counts as the default; the
 * default logo gives its extracted 180 px copy; another image would need PIL.
 */
export async function recomputeLogoFields(ctx: CallContext, ids: number[], fields: { web: boolean; usesDefault: boolean }): Promise<void> {
  const r = await ctx.db.query<{ id: number; checksum: string | null }>(
    `SELECT c.id, a.checksum FROM res_company c
       LEFT JOIN ir_attachment a ON a.res_model = 'res.partner' AND a.res_field = 'image_1920' AND a.res_id = c.partner_id
      WHERE c.id = ANY($1::int4[])`,
    [ids],
  );
  const defaultChecksum = defaultImageChecksum();
  for (const row of r.rows) {
    const isDefault = row.checksum === defaultChecksum;
    if (row.checksum && !isDefault && fields.web) throw missingBehaviour('res.company', 'logo_web of a company logo other than the default one (resized with PIL)');
    if (fields.web) {
      await ctx.db.query(`UPDATE res_company SET logo_web = $2 WHERE id = $1`, [row.id, row.checksum ? Buffer.from(defaultLogo().logo_web, 'utf8') : null]);
    }
    if (fields.usesDefault) await ctx.db.query(`UPDATE res_company SET uses_default_logo = $2 WHERE id = $1`, [row.id, !row.checksum || isDefault]);
  }
}
