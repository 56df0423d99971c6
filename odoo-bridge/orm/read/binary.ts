import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import type { ReadEnv, ReadOptions } from './read-env.ts';

/**
 * Binary fields kept in `ir_attachment` (Odoo's default `attachment=True`): base64 of the
 * content from `db_datas` or from the filestore file `store_fname`; with `context.bin_size`
 * the human-readable size instead (`tools.human_size`). Without a filestore directory the
 * content of file-stored attachments cannot be produced: that is an error, not `false`.
 */
export async function readAttachments(env: ReadEnv, model: ModelInfo, field: FieldInfo, ids: number[], options: ReadOptions): Promise<Map<number, unknown>> {
  const rows = await run<{ res_id: number; store_fname: string | null; db_datas: Buffer | null; file_size: number | null }>(
    env.db,
    sql`SELECT res_id, store_fname, db_datas, file_size FROM ir_attachment
         WHERE res_model = ${model.name} AND res_field = ${field.name} AND res_id = ANY(${ids}::int4[]) ORDER BY id`,
  );
  const result = new Map<number, unknown>();
  for (const row of rows) {
    if (result.has(row.res_id)) continue;
    if (options.binSize) {
      result.set(row.res_id, humanSize(row.file_size ?? row.db_datas?.length ?? 0));
    } else if (row.db_datas) {
      result.set(row.res_id, row.db_datas.toString('base64'));
    } else if (row.store_fname) {
      if (!options.filestore) throw missingBehaviour(model.name, `reading ${field.name} (attachment content in the filestore)`);
      result.set(row.res_id, await readStoredFile(filestorePath(options.filestore, row.store_fname)));
    }
  }
  return result;
}

/** ir.attachment's `datas`: computed from the attachment's own row (readAttachmentDatas). */
export function isAttachmentDatas(model: ModelInfo, name: string): boolean {
  return model.name === 'ir.attachment' && name === 'datas';
}

/**
 * ir.attachment's own content, `datas` (base/models/ir_attachment.py `_compute_datas` over
 * `_compute_raw`): base64 of the filestore file or of `db_datas`, '' when there is none (a URL
 * attachment, a lost file); with `bin_size` the human size of `file_size`.
 */
export async function readAttachmentDatas(env: ReadEnv, ids: number[], options: ReadOptions): Promise<Map<number, unknown>> {
  const rows = await run<{ id: number; store_fname: string | null; db_datas: Buffer | null; file_size: number | null }>(
    env.db,
    sql`SELECT id, store_fname, ${options.binSize ? sql`NULL::bytea` : sql`db_datas`} AS db_datas, file_size FROM ir_attachment WHERE id = ANY(${ids}::int4[])`,
  );
  const result = new Map<number, unknown>();
  for (const row of rows) {
    if (options.binSize) result.set(row.id, humanSize(row.file_size ?? 0));
    else if (row.store_fname) {
      if (!options.filestore) throw missingBehaviour('ir.attachment', 'reading datas (attachment content in the filestore)');
      result.set(row.id, (await readStoredFile(filestorePath(options.filestore, row.store_fname))) || '');
    } else result.set(row.id, row.db_datas?.toString('base64') ?? '');
  }
  return result;
}

function filestorePath(filestore: string, storeFname: string): string {
  return path.join(filestore, path.normalize(storeFname).replace(/^(\.\.[/\\])+/, ''));
}

/**
 * ir.attachment `_file_read`: a file missing from the filestore reads as empty (Odoo logs it and
 * answers False), so one lost file does not make the whole record unreadable.
 */
async function readStoredFile(file: string): Promise<string | false> {
  try {
    const content = await readFile(file);
    return content.length ? content.toString('base64') : false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** odoo.tools.human_size */
export function humanSize(size: number): string | false {
  if (!size) return false;
  const units = ['bytes', 'Kb', 'Mb', 'Gb', 'Tb'];
  let s = size;
  let i = 0;
  while (s >= 1024 && i < units.length - 1) {
    s /= 1024;
    i += 1;
  }
  return `${pythonFixed2(s)} ${units[i]}`;
}

/**
 * Python's `'%0.2f' % x`: the exact binary value rounded to 2 places, an exact tie to even
 * (3.125 → '3.12'); JavaScript's toFixed rounds such ties up ('3.13').
 */
export function pythonFixed2(x: number): string {
  const scaled = x * 100;
  const floor = Math.floor(scaled);
  // x * 100 is exact when x is a tie (a multiple of 1/8 or 1/1024… times a short decimal); then round half to even.
  if (scaled - floor === 0.5 && floor / 100 + 0.005 === x) return ((floor % 2 === 0 ? floor : floor + 1) / 100).toFixed(2);
  return x.toFixed(2);
}
