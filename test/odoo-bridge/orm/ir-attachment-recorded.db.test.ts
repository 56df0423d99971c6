import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { faultFor } from '../../../odoo-bridge/wire/xmlrpc/faults.ts';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { legacyDatabase, odooRefDatabase, type TestDatabase } from '../../support/databases.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';

/**
 * ir.attachment create/write/unlink/read replayed from Odoo 18 (scripts/record-ir-attachment.py
 * against the m6 oracle pair): each case's XML-RPC answers (faults as code and last line), the
 * stored row, the filestore file and its gc checklist mark, before and after an unlink; the read
 * includes html_editor's local_url and image_src. The engines
 * write into filestores of their own (fresh directories), as Odoo's did into the copy's.
 */
interface RecordedAttachmentCase {
  label: string;
  db: 'odoo_ref' | 'hp_legacy';
  uid: number;
  write_uid?: number;
  unlink_uid?: number;
  read_uid?: number;
  ctx?: Record<string, unknown>;
  vals: Record<string, unknown>;
  write?: Record<string, unknown>;
  unlink?: boolean;
  odoo: Record<string, unknown>;
}

const CASES = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'fixtures/odoo-differential/ir-attachment.json'), 'utf8')) as RecordedAttachmentCase[];
const READ_FIELDS = ['name', 'datas', 'mimetype', 'file_size', 'checksum', 'index_content', 'store_fname', 'type', 'public', 'res_model', 'res_id', 'local_url', 'image_src'];
const COLUMNS = `name, res_model, res_field, res_id, company_id, type, url, public, store_fname, encode(db_datas, 'base64') AS db_datas,
  file_size, checksum, mimetype, index_content, create_uid, write_uid, description`;

describe('ir.attachment as Odoo 18 stores it (recorded)', () => {
  const databases: Record<string, TestDatabase> = {};
  const filestores: Record<string, string> = {};
  const engines: Record<string, OrmEngine> = {};

  beforeAll(async () => {
    databases.odoo_ref = await odooRefDatabase();
    databases.hp_legacy = await legacyDatabase();
    for (const name of ['odoo_ref', 'hp_legacy']) {
      filestores[name] = await mkdtemp(path.join(tmpdir(), `ficus-attachments-${name}-`));
      engines[name] = createFullOrmEngine({ database: { name, pool: databases[name]!.pool }, filestore: filestores[name]! });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(databases).map((db) => db.drop()));
    await Promise.all(Object.values(filestores).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** One call answered as the recorder keeps XML-RPC answers: the result, or the fault's code and last line. */
  async function answer(db: string, uid: number, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    try {
      const value = await engines[db]!.call({ database: db, uid, model: 'ir.attachment', method, args, kwargs });
      return JSON.parse(stringifyPythonJson(value === undefined ? null : value));
    } catch (error) {
      if (!(error instanceof OdooError)) throw error;
      const fault = faultFor(error, 'int');
      return { fault: fault.faultCode, message: String(fault.faultString).trim().split('\n').pop() };
    }
  }

  async function stored(db: string, id: number): Promise<Record<string, unknown> | null> {
    const { rows } = await databases[db]!.pool.query(`SELECT row_to_json(t) AS row FROM (SELECT ${COLUMNS} FROM ir_attachment WHERE id = $1) t`, [id]);
    return (rows[0]?.row as Record<string, unknown> | undefined) ?? null;
  }

  function fileFacts(db: string, fname: string): { file: string | null; gc: boolean } {
    const full = path.join(filestores[db]!, fname);
    return { file: existsSync(full) ? readFileSync(full).toString('base64') : null, gc: existsSync(path.join(filestores[db]!, 'checklist', fname)) };
  }

  /** The recorder's sequence (scripts/record-ir-attachment.py Side.run) through the engine. */
  async function replay(c: RecordedAttachmentCase): Promise<Record<string, unknown>> {
    const created = await answer(c.db, c.uid, 'create', [c.vals], c.ctx ? { context: c.ctx } : {});
    if (typeof created !== 'number') return { create: created };
    const out: Record<string, unknown> = {};
    if (c.write) out.write = await answer(c.db, c.write_uid ?? c.uid, 'write', [[created], c.write]);
    out.read = await answer(c.db, c.read_uid ?? c.uid, 'read', [[created], READ_FIELDS]);
    out.read_bin_size = await answer(c.db, c.read_uid ?? c.uid, 'read', [[created], ['datas', 'file_size']], { context: { bin_size: true } });
    const row = await stored(c.db, created);
    out.row = row;
    if (row?.store_fname) Object.assign(out, fileFacts(c.db, String(row.store_fname)));
    if (c.unlink) {
      out.unlink = await answer(c.db, c.unlink_uid ?? c.uid, 'unlink', [[created]]);
      out.row_after_unlink = await stored(c.db, created);
      if (row?.store_fname) out.after_unlink = fileFacts(c.db, String(row.store_fname));
    }
    for (const key of ['read', 'read_bin_size']) {
      if (Array.isArray(out[key])) for (const record of out[key] as Record<string, unknown>[]) delete record.id;
    }
    // The URLs name the new attachment's id, which differs between databases: kept as ID, as recorded.
    return JSON.parse(JSON.stringify(out).replaceAll(`/web/image/${created}`, '/web/image/ID')) as Record<string, unknown>;
  }

  it('holds cases enough to mean something', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(CASES.filter((c) => 'create' in c.odoo).length).toBeGreaterThan(3);
  });

  // In the recorded order: later cases meet the files earlier ones wrote (same content, same sha1), as on the oracle.
  for (const c of CASES) {
    it(`${c.db}: ${c.label}`, async () => {
      expect(await replay(c)).toEqual(c.odoo);
    });
  }
});
