import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallContext } from '../../call-context.ts';
import { configParameter } from './xmlid.ts';

/**
 * avatar.mixin `_avatar_generate_svg` written to a partner's `image_1920`, as res.users.create
 * does for internal users without an image. Image fields are attachments; an SVG is never
 * resized (`image_process` returns it as is), so the four related sizes hold the same bytes.
 */
const IMAGE_FIELDS = ['image_1920', 'image_1024', 'image_512', 'image_256', 'image_128'];

export async function giveGeneratedAvatar(ctx: CallContext, partnerId: number): Promise<void> {
  const r = await ctx.db.query<{ name: string | null; epoch: string | null }>(
    `SELECT name, extract(epoch FROM create_date)::text AS epoch FROM res_partner WHERE id = $1`,
    [partnerId],
  );
  const row = r.rows[0];
  if (!row?.name) return;
  const svg = Buffer.from(avatarSvg(row.name, row.epoch), 'utf8');
  const checksum = createHash('sha1').update(svg).digest('hex');
  // `ir_attachment.location` decides like Odoo's _storage(); without a filestore directory the
  // bytes go to db_datas, which Odoo (and this engine) read the same way.
  const location = (await configParameter(ctx.db, 'ir_attachment.location')) ?? 'file';
  let storeFname: string | null = null;
  if (location !== 'db' && ctx.filestore) {
    storeFname = `${checksum.slice(0, 2)}/${checksum}`;
    await mkdir(path.join(ctx.filestore, checksum.slice(0, 2)), { recursive: true });
    await writeFile(path.join(ctx.filestore, storeFname), svg);
  }
  for (const field of IMAGE_FIELDS) {
    await ctx.db.query(
      `INSERT INTO ir_attachment (name, res_model, res_field, res_id, company_id, type, store_fname, db_datas, checksum, file_size, mimetype, index_content,
                                  create_uid, write_uid, create_date, write_date)
       VALUES ($1, 'res.partner', $1, $2, $3, 'binary', $4, $5, $6, $7, 'image/svg+xml', 'image', $8, $8, (now() at time zone 'UTC'), (now() at time zone 'UTC'))`,
      [field, partnerId, ctx.access.companyId, storeFname, storeFname ? null : svg, checksum, svg.length, ctx.uid],
    );
  }
}

/** avatar.mixin `_avatar_generate_svg`: the initial on a colour seeded by the name and the creation time. */
export function avatarSvg(name: string, epoch: string | null): string {
  const initial = escapeXml([...name][0]!.toUpperCase());
  const bgcolor = hslFromSeed(name + (epoch == null ? '' : pythonFloat(Number(epoch))));
  return (
    "<?xml version='1.0' encoding='UTF-8' ?>" +
    "<svg height='180' width='180' xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>" +
    `<rect fill='${bgcolor}' height='180' width='180'/>` +
    `<text fill='#ffffff' font-size='96' text-anchor='middle' x='90' y='125' font-family='sans-serif'>${initial}</text>` +
    '</svg>'
  );
}

/** tools.get_hsl_from_seed. */
function hslFromSeed(seed: string): string {
  const hashed = createHash('sha512').update(seed, 'utf8').digest('hex');
  const hue = (Number.parseInt(hashed.slice(0, 2), 16) * 360) / 255;
  const sat = Number.parseInt(hashed.slice(2, 4), 16) * ((70 - 40) / 255) + 40;
  return `hsl(${pyRound(hue)}, ${pyRound(sat)}%, 45%)`;
}

/** Python's `f'{x:.0f}'`: round half to even. */
function pyRound(x: number): string {
  const floor = Math.floor(x);
  const diff = x - floor;
  const r = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return String(r);
}

/** Python's str(float): shortest round-trip digits, always with a fraction. */
function pythonFloat(x: number): string {
  const s = String(x);
  return Number.isInteger(x) && !s.includes('e') ? `${s}.0` : s;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}
