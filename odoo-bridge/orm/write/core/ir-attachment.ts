import { createHash } from 'node:crypto';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { userError, validationError } from '../../../errors.ts';
import { missingBehaviour } from '../../../errors.ts';
import { userInGroup } from '../../access/user-in-group.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { checkContents, indexContent, pythonB64decode, rawBytes } from './attachment-content.ts';
import { checkAttachmentAccess } from './ir-attachment-check.ts';
import { configParameter } from './xmlid.ts';

const MODEL = 'ir.attachment';
/** Fields ir.attachment's create and write drop from vals: they follow the content. */
const CONTENT_FACTS = ['file_size', 'checksum', 'store_fname'];

/**
 * ir.attachment's create/write/unlink overrides (base/models/ir_attachment.py, 18): `check` on
 * the attached records first (ir-attachment-check.ts), the content's mimetype and facts
 * (attachment-content.ts), the bytes in the filestore (`ir_attachment.location`), and
 * `_check_serving_attachments`.
 */
export function registerIrAttachment(behaviours: BehaviourRegistry): void {
  behaviours.register(MODEL, {
    async refuseCreate(ctx, valsList) {
      for (const vals of valsList) for (const name of CONTENT_FACTS) delete vals[name];
      for (const vals of valsList) {
        await checkContents(ctx, vals);
        const { raw, datas } = vals;
        delete vals.raw;
        delete vals.datas;
        if (raw || datas) Object.assign(vals, await contentValues(ctx, raw ? rawBytes(raw) : pythonB64decode(datas), String(vals.mimetype)));
      }
      // One check per attached record (res_model, res_id), in the order the vals name them.
      const seen = new Set<string>();
      for (const vals of valsList) {
        const key = JSON.stringify([vals.res_model ?? null, vals.res_id ?? null]);
        if (seen.has(key)) continue;
        seen.add(key);
        await checkAttachmentAccess(ctx, 'create', [], { res_model: vals.res_model, res_id: vals.res_id });
      }
    },
    async refuseWrite(ctx, ids, vals) {
      await checkAttachmentAccess(ctx, 'write', ids, vals);
      for (const name of CONTENT_FACTS) delete vals[name];
      if ('mimetype' in vals || 'datas' in vals || 'raw' in vals) await checkContents(ctx, vals);
    },
    // The write's `datas`/`raw` inverse (`_set_attachment_data`): each record's facts from the new
    // bytes and its (new) mimetype, written as superuser; the file it held goes to the gc checklist.
    async beforeWrite(ctx, ids, vals) {
      if (!('datas' in vals) && !('raw' in vals)) return;
      const bytes = 'raw' in vals ? (vals.raw ? rawBytes(vals.raw) : Buffer.alloc(0)) : pythonB64decode(vals.datas || '');
      delete vals.raw;
      delete vals.datas;
      const rows = await ctx.db.query<{ id: number; mimetype: string | null; store_fname: string | null }>(
        'SELECT id, mimetype, store_fname FROM ir_attachment WHERE id = ANY($1::int4[]) ORDER BY id',
        [ids],
      );
      const mimetypes = new Set(rows.rows.map((r) => ('mimetype' in vals ? String(vals.mimetype) : r.mimetype)));
      if (mimetypes.size > 1) throw missingBehaviour(MODEL, 'writing one content to attachments of different mimetypes');
      Object.assign(vals, await contentValues(ctx, bytes, [...mimetypes][0] ?? null));
      for (const row of rows.rows) if (row.store_fname) await markForGc(ctx, row.store_fname);
    },
    async refuseUnlink(ctx, ids) {
      await checkAttachmentAccess(ctx, 'unlink', ids);
    },
    // The database row goes first; the file only onto the gc checklist (Odoo's autovacuum removes it once no row names it).
    async beforeUnlink(ctx, ids) {
      const rows = await ctx.db.query<{ store_fname: string }>('SELECT DISTINCT store_fname FROM ir_attachment WHERE id = ANY($1::int4[]) AND store_fname IS NOT NULL', [ids]);
      for (const row of rows.rows) await markForGc(ctx, row.store_fname);
    },
    checks: {
      // A binary attachment with a url may be served by ir.http's fallback: only admins or the serving groups set one.
      _check_serving_attachments: {
        reads: ['type', 'url'],
        async values(ctx, rows) {
          if (ctx.access.superuser || (await userInGroup(ctx.db, ctx.access, 'base.group_erp_manager'))) return;
          for (const row of rows) {
            if (row.type === 'binary' && row.url && !(await userInGroup(ctx.db, ctx.access, 'base.group_system'))) {
              throw validationError('Sorry, you are not allowed to write on this document');
            }
          }
        },
      },
    },
  });
}

/**
 * `_get_datas_related_values(data, mimetype)`: size, sha1 checksum and index of the bytes; the
 * bytes in the filestore under `<sha[:2]>/<sha>` unless `ir_attachment.location` is `db` or there
 * are none, else in `db_datas` (empty bytes store NULL). A service without a filestore directory
 * keeps them in `db_datas`, which reads the same.
 */
async function contentValues(ctx: CallContext, data: Buffer, mimetype: string | null): Promise<Vals> {
  const checksum = createHash('sha1').update(data).digest('hex');
  const values: Vals = { file_size: data.length, checksum, index_content: indexContent(data, mimetype), store_fname: false, db_datas: data.length ? data : false };
  const storage = (await configParameter(ctx.db, 'ir_attachment.location')) || 'file';
  if (data.length && storage !== 'db' && ctx.filestore) {
    values.store_fname = await writeStoredFile(ctx.filestore, data, checksum);
    values.db_datas = false;
  } else if (data.length && (data[0] === 0x3c || data[0] === 0x50) && !ctx.access.isSystem) {
    // Binary.convert_to_column refuses SVG bytes in db_datas to non-system users ("Only admins can upload SVG files.").
    throw missingBehaviour(MODEL, 'storing markup-looking bytes in db_datas (the SVG check needs libmagic)');
  }
  return values;
}

/** `_file_write`: the file is written once; another content under the same sha1 is a collision. */
async function writeStoredFile(filestore: string, data: Buffer, checksum: string): Promise<string> {
  const fname = `${checksum.slice(0, 2)}/${checksum}`;
  const full = path.join(filestore, fname);
  await mkdir(path.dirname(full), { recursive: true });
  let existing: Buffer | null = null;
  try {
    existing = await readFile(full);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (existing && !existing.equals(data)) throw userError('The attachment collides with an existing file.');
  if (!existing) {
    await writeFile(full, data);
    await markForGcIn(filestore, fname);
  }
  return fname;
}

/** `_mark_for_gc`: an empty file under `checklist/` names the stored file for the filestore's garbage collection. */
async function markForGc(ctx: CallContext, fname: string): Promise<void> {
  if (ctx.filestore) await markForGcIn(ctx.filestore, fname);
}

async function markForGcIn(filestore: string, fname: string): Promise<void> {
  const clean = fname.replace(/\./g, '').replace(/^[/\\]+|[/\\]+$/g, '');
  const full = path.join(filestore, 'checklist', clean);
  await mkdir(path.dirname(full), { recursive: true });
  await (await open(full, 'a')).close();
}
