import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/** ir.attachment `_file_read`: a file missing from the filestore reads as False, it does not fail the read. */
describe('binary fields whose filestore file is missing', () => {
  let db: TestDatabase;
  let filestore: string;
  let engine: OrmEngine;
  let withFile: { res_id: number; store_fname: string };
  let withoutFile: number;

  beforeAll(async () => {
    db = await legacyDatabase();
    filestore = await mkdtemp(path.join(tmpdir(), 'ficus-filestore-'));
    const { rows } = await db.pool.query<{ res_id: number; store_fname: string }>(
      `SELECT res_id, store_fname FROM ir_attachment
        WHERE res_model = 'res.partner' AND res_field = 'image_128' AND store_fname IS NOT NULL ORDER BY res_id LIMIT 2`,
    );
    expect(rows.length).toBe(2);
    withFile = rows[0]!;
    withoutFile = rows[1]!.res_id;
    // Only the first partner's file is in this filestore.
    await mkdir(path.dirname(path.join(filestore, withFile.store_fname)), { recursive: true });
    await writeFile(path.join(filestore, withFile.store_fname), Buffer.from('png bytes'));
    engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: db.pool }, filestore });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    if (filestore) await rm(filestore, { recursive: true, force: true });
  });

  it('answers the content it has and False for the file it lacks', async () => {
    const rows = (await engine.call({ database: 'hp_legacy', uid: 2, model: 'res.partner', method: 'read', args: [[withFile.res_id, withoutFile]], kwargs: { fields: ['image_128'] } })) as { id: number; image_128: unknown }[];
    const byId = new Map(rows.map((r) => [r.id, r.image_128]));
    expect(byId.get(withFile.res_id)).toBe(Buffer.from('png bytes').toString('base64'));
    expect(byId.get(withoutFile)).toBe(false);
  });
});
