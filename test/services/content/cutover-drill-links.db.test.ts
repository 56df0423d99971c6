import { Registry as MetricsRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBookkeeping, writeCheckpoint } from '../../../cdc/apply/bookkeeping.ts';
import type { GateContext } from '../../../migration/control/gates/gate.ts';
import { DEFAULT_THRESHOLDS } from '../../../migration/control/gates/gate.ts';
import { STEP_GATES } from '../../../migration/control/gates/gates.ts';
import { linkedCopiesComplete, linkedSiblings } from '../../../migration/control/gates/linked-copies.ts';
import { isReadMethod } from '../../../migration/control/call-kinds.ts';
import { forwardSlot, modulePlans } from '../../../migration/control/module-plan.ts';
import { ReadYourWrites } from '../../../migration/control/read-your-writes/read-your-writes.ts';
import type { ContentDatabase } from '../../../services/content/db/tables.ts';
import content from '../../../services/content/index.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { odooErrorOf, startServiceSides, type ServiceSides } from '../../support/service-sides.ts';

/**
 * M12 moving before M06 (drill finding): hp.qa.question.tag_ids is declared loose, so M12 may be
 * served by content while M06 (hp.content.tag) stays the monolith's. svc_content's copy of
 * content_tags is M06's own table there, filled only by M06's forward sync (the reference sync
 * copies tables OUTSIDE the service). With M06 backfilled the link works across the cut (the
 * cutover drill: a tag made on the monolith and used at once in a question on svc_content, both
 * sides equal). Without it, svc_content serves questions whose tags name nothing and refuses every
 * question with a tag: so a step that would let content answer M12's calls (shadow, canary,
 * cutover) is gated on M06's copy ('linked modules copied').
 */
const M12_TABLES = ['qa_questions', 'qa_question_tag_rel', 'qa_answers'];
const M06_TABLES = ['content_tags', 'knowledge_contents', 'knowledge_content_tag_rel', 'content_purchases'];

describe('qa_question_tag_rel → content_tags while M12 is served and M06 is not copied', () => {
  let sides: ServiceSides<ContentDatabase>;
  let member: number;

  beforeAll(async () => {
    // M12 backfilled alone: its tables copied into svc_content, content_tags left as the migration made it (empty).
    sides = await startServiceSides({ definition: content, tables: M12_TABLES });
    member = (await sides.legacy.query<{ id: number }>(`SELECT id FROM res_users WHERE login = 'member001@hp.example'`)).rows[0]!.id;
  }, 180_000);
  afterAll(async () => sides?.stop());

  it("the service refuses a question naming a tag the monolith has (Odoo's ForeignKeyViolation once its copy wait ends), and reads seed questions without their tags; with M06's rows copied both work", async () => {
    const { rows: [link] } = await sides.legacy.query<{ question_id: number; tag_id: number }>('SELECT question_id, tag_id FROM qa_question_tag_rel ORDER BY question_id, tag_id LIMIT 1');
    const { rows: [asker] } = await sides.legacy.query<{ asker_id: number }>('SELECT asker_id FROM qa_questions WHERE id = $1', [link!.question_id]);
    const create = () => sides.serviceRpc(member, 'hp.qa.question', 'create', [{ title: 'Tagged while M06 is not copied', asker_id: member, tag_ids: [[6, 0, [link!.tag_id]]] }]);
    const refused = await odooErrorOf(create());
    expect(refused.message).toMatch(/qa_question_tag_rel|Tags|tag_id|another model requires|does not exist/i);
    // The link's row is there, the tag's is not: as Odoo reads a many2many (through its comodel), the question reads without its tags.
    const tagsRead = async () => ((await sides.serviceRpc(asker!.asker_id, 'hp.qa.question', 'read', [[link!.question_id], ['tag_ids']])) as { tag_ids: number[] }[])[0]!.tag_ids;
    expect((await sides.service.query('SELECT 1 FROM qa_question_tag_rel WHERE question_id = $1 AND tag_id = $2', [link!.question_id, link!.tag_id])).rowCount).toBe(1);
    expect(await tagsRead()).not.toContain(link!.tag_id);
    expect(await sides.serviceRpc(asker!.asker_id, 'hp.content.tag', 'search_count', [[['id', '=', link!.tag_id]]])).toBe(0);

    // M06 backfilled: its rows in svc_content, as its forward snapshot copies them.
    const { rows: tagRows } = await sides.legacy.query('SELECT id, name, create_uid, write_uid, create_date, write_date FROM content_tags');
    for (const t of tagRows) await sides.service.query('INSERT INTO content_tags (id, name, create_uid, write_uid, create_date, write_date) VALUES ($1, $2, $3, $4, $5, $6)', [t.id, t.name, t.create_uid, t.write_uid, t.create_date, t.write_date]);
    const id = Number(await create());
    expect(((await sides.serviceRpc(member, 'hp.qa.question', 'read', [[id], ['tag_ids']])) as { tag_ids: number[] }[])[0]!.tag_ids).toEqual([link!.tag_id]);
    expect(await sides.serviceRpc(asker!.asker_id, 'hp.content.tag', 'search_count', [[['id', '=', link!.tag_id]]])).toBe(1);
    expect(await tagsRead()).toContain(link!.tag_id);
  }, 60_000);
});

describe("gate 'linked modules copied': M12's shadow, canary and cutover wait for M06's copy", () => {
  let legacy: TestDatabase;
  let service: TestDatabase;

  beforeAll(async () => {
    [legacy, service] = await Promise.all([legacyDatabase(), emptyDatabase('svc_content_links')]);
    const client = await service.pool.connect();
    try {
      await ensureBookkeeping(client);
    } finally {
      client.release();
    }
  }, 120_000);
  afterAll(async () => Promise.all([legacy?.drop(), service?.drop()]));

  const gateOn = async (code: string) => {
    const plans = await modulePlans(legacy.pool);
    const ctx = { plan: plans.get(code)!, legacy: legacy.pool, service: service.pool } as unknown as GateContext;
    return linkedCopiesComplete.check({ ...ctx, thresholds: DEFAULT_THRESHOLDS });
  };

  it('names the loose link hp.qa.question.tag_ids → hp.content.tag and no other (M11 → M08 crosses services: the reference sync copies community_groups)', async () => {
    const plans = await modulePlans(legacy.pool);
    expect(Object.fromEntries(linkedSiblings(plans, plans.get('M12')!))).toEqual({ M06: ['hp.qa.question.tag_ids → hp.content.tag'] });
    expect(linkedSiblings(plans, plans.get('M11')!).size).toBe(0);
    expect(linkedSiblings(plans, plans.get('M06')!).size).toBe(0);
    for (const step of ['shadow', 'canary', 'cutover'] as const) expect(STEP_GATES[step].map((g) => g.name), step).toContain('linked modules copied');
  });

  it("refuses M12 until M06's forward snapshot is done in svc_content; M11 and M06 pass", async () => {
    const before = await gateOn('M12');
    expect(before.ok).toBe(false);
    expect(before.detail).toContain('hp.qa.question.tag_ids → hp.content.tag: M06 is not backfilled into content');
    expect((await gateOn('M11')).ok).toBe(true);
    expect((await gateOn('M06')).ok).toBe(true);

    const client = await service.pool.connect();
    try {
      // A snapshot under way is not a copy yet; a done one is.
      await writeCheckpoint(client, forwardSlot('M06'), { slot: forwardSlot('M06'), tables: M06_TABLES, snapshotLsn: '0/0', snapshotDone: false, lsn: 0 });
      expect((await gateOn('M12')).ok).toBe(false);
      await writeCheckpoint(client, forwardSlot('M06'), { slot: forwardSlot('M06'), tables: M06_TABLES, snapshotLsn: '0/0', snapshotDone: true, lsn: 0 });
    } finally {
      client.release();
    }
    expect(await gateOn('M12')).toEqual({ gate: 'linked modules copied', ok: true, detail: 'M06 copied (hp.qa.question.tag_ids → hp.content.tag)' });
  });
});

/**
 * The other way round: M06 (or M08, biz's) served and M12 (or M11) still the monolith's. The
 * monolith keeps Odoo's foreign keys, and a tag or group the service made a moment ago reaches it
 * only through the reverse sync: a question or post naming it on the monolith at once met
 * PostgreSQL's ForeignKeyViolation. Read-your-writes now holds such a create or write until the
 * named module's reverse sync caught up, as it holds a read of those tables.
 */
describe('legacy-side writes naming rows of a moved module wait for its reverse sync', () => {
  let legacy: TestDatabase;
  const inService = new Set<string>();
  let ryw: ReadYourWrites;
  const awaited = (model: string, method: string, args: unknown[]) => ryw.modulesToAwait({ model, method, args, kwargs: {} }, { name: 'hp_legacy', pool: legacy.pool });

  beforeAll(async () => {
    legacy = await legacyDatabase();
    ryw = new ReadYourWrites({
      plans: await modulePlans(legacy.pool), phaseOf: (m) => ({ phase: inService.has(m) ? 'service' : 'legacy' }), isReadMethod,
      legacyPositionPool: legacy.pool, servicePositionPool: () => legacy.pool, metrics: new MetricsRegistry(),
    });
  }, 120_000);
  afterAll(async () => legacy?.drop());

  it('a question with tags waits for M06, a post in a group for M08, only while those are served; other writes and unlinks wait for nothing', async () => {
    const question = (tags: number[]) => [{ title: 'q', asker_id: 7, tag_ids: [[6, 0, tags]] }];
    expect(await awaited('hp.qa.question', 'create', question([1]))).toEqual([]);
    inService.add('M06');
    expect(await awaited('hp.qa.question', 'create', question([1]))).toEqual(['M06']);
    expect(await awaited('hp.qa.question', 'create', question([]))).toEqual([]);
    expect(await awaited('hp.qa.question', 'write', [[1], { tag_ids: [[4, 2]] }])).toEqual(['M06']);
    expect(await awaited('hp.qa.question', 'write', [[1], { title: 'renamed' }])).toEqual([]);
    expect(await awaited('hp.qa.question', 'unlink', [[1]])).toEqual([]);
    expect(await awaited('hp.community.post', 'create', [{ title: 'p', author_id: 7, group_id: 3 }])).toEqual([]);
    inService.add('M08');
    expect(await awaited('hp.community.post', 'create', [[{ title: 'p', author_id: 7, group_id: 3 }]])).toEqual(['M08']);
    expect(await awaited('hp.community.post', 'create', [{ title: 'p', author_id: 7, group_id: false }])).toEqual([]);
    // Nested: an answer created inside a question's one2many names nothing moved; a tag command inside it would.
    expect(await awaited('hp.qa.question', 'create', [{ title: 'q', asker_id: 7, answer_ids: [[0, 0, { body: 'a' }]] }])).toEqual([]);
  });
});
