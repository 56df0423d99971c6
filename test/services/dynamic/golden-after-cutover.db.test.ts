import { writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Odoo from 'odoo-await';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { categoryOf, replayGolden, type ReplayOutcome } from '../../support/golden/replay.ts';
import { startDynamicCutoverStack, type DynamicCutoverStack } from './support/dynamic-cutover-stack.ts';
import { restClient } from './support/dynamic-stack.ts';

/**
 * The monolith's recorded answers for M19 (fixtures/hp-legacy-golden.jsonl: feed.*, pristine
 * reads, and the seq_feed sequence) replayed over HTTP by the judging replayer against a gateway
 * whose M19 was cut over to dynamic, on a fresh stack (the sequence's ids assume a freshly
 * restored database; the pristine reads run first and write nothing); then, on that stack, REST
 * and Odoo RPC side by side after the real cutover, with the reverse sync carrying REST's writes
 * back to the monolith.
 */
const GOLDEN = path.join(PROJECT_ROOT, 'fixtures/hp-legacy-golden.jsonl');
const BLOCKS = [
  // The feed.* cases are pristine reads, and the replayer runs them before the sequence: they share
  // seq_feed's fresh stack (one stack fewer, about 8 s of the suite).
  { name: 'feed, then seq_feed', keep: (c: { id: string }) => c.id.startsWith('feed.') || c.id.startsWith('seq_feed#') },
];
const outcomes: ReplayOutcome[] = [];
const printed: string[] = [];
let last: DynamicCutoverStack | undefined;

afterAll(async () => {
  await last?.stop();
  console.log(['golden after cutover of M19 (category: matched/total)', ...printed].join('\n'));
});

describe('legacy golden cases after dynamic took over M19', () => {
  const lines = readFileSync(GOLDEN, 'utf8').split('\n').filter((l) => l.trim());
  for (const [index, block] of BLOCKS.entries()) {
    it(`replays ${block.name}`, { timeout: 200_000 }, async () => {
      const file = path.join(tmpdir(), `hp-golden-${block.name.replace(/\W+/g, '-')}-${process.pid}.jsonl`);
      writeFileSync(file, lines.filter((l) => block.keep(JSON.parse(l))).join('\n') + '\n');
      const dynamic = await startDynamicCutoverStack();
      try {
        const report = await replayGolden(dynamic.stack.gatewayUrl, { db: 'hp_legacy', file, resetCmd: 'true', show: 8 });
        outcomes.push(...report.outcomes);
        printed.push(`--- ${block.name}\n${report.printed}`);
        expect(report.outcomes.length).toBeGreaterThan(0);
      } finally {
        if (index === BLOCKS.length - 1) last = dynamic;
        else await dynamic.stop();
      }
    });
  }

  it('matches every recorded answer of M19', () => {
    const feed = outcomes.filter((o) => ['feed', 'seq_feed'].includes(categoryOf(o.id)));
    expect(feed.length).toBe(16 + 22);
    const failing = feed.filter((o) => o.outcome !== 'pass').map((o) => o.id);
    console.log(`M19 golden cases after cutover: ${feed.length - failing.length}/${feed.length} match`);
    expect(failing).toEqual([]);
  });

  it('after the cutover, REST and Odoo RPC see one feed, and the reverse sync carries REST\'s marks and activities to the monolith', { timeout: 60_000 }, async () => {
    const stack = last!;
    const member = 30;
    const call = restClient(stack.restUrl);
    const odoo = new Odoo({ baseUrl: 'http://127.0.0.1', port: Number(new URL(stack.stack.gatewayUrl).port), db: 'hp_legacy', username: 'member025@hp.example', password: 'member025@hp.example' });
    expect(await odoo.connect()).toBe(member);
    const page = await call('GET', `/users/${member}/feed?limit=50`, stack.token(member));
    expect(page.status).toBe(200);
    const rpcEntries = (await odoo.searchRead('hp.user.feed', [['user_id', '=', member]], ['activity_id', 'seen'])) as { id: number; activity_id: [number, string] | false; seen: boolean }[];
    // Every REST entry is one of the user's hp.user.feed records over RPC (REST leaves out those whose activity the member may not read).
    const byId = new Map(rpcEntries.map((e) => [e.id, e]));
    for (const item of page.body.items) expect(byId.get(item.entryId)?.seen).toBe(item.seen);
    const unseen = page.body.items.find((i: any) => !i.seen).entryId;
    expect((await call('POST', `/users/${member}/feed/seen`, stack.token(member), { entryIds: [unseen] })).status).toBe(200);
    expect(((await odoo.read('hp.user.feed', [unseen], ['seen'])) as { seen: boolean }[])[0]!.seen).toBe(true);
    const created = await call('POST', '/activities', stack.token(2, ['service']), { actorId: member, verb: 'posted', summary: 'after the cutover', audienceIds: [31] });
    expect(created.status).toBe(201);
    // The reverse sync writes both back to the monolith's tables.
    const started = Date.now();
    for (;;) {
      const seen = await stack.legacy.pool.query('SELECT seen FROM user_feeds WHERE id = $1', [unseen]);
      const activity = await stack.legacy.pool.query('SELECT summary FROM activities WHERE id = $1', [created.body.id]);
      const entries = await stack.legacy.pool.query('SELECT user_id FROM user_feeds WHERE activity_id = $1 ORDER BY user_id', [created.body.id]);
      if (seen.rows[0]?.seen === true && activity.rows[0]?.summary === 'after the cutover' && entries.rows.length === 2) {
        expect(entries.rows).toEqual([{ user_id: 30 }, { user_id: 31 }]);
        break;
      }
      if (Date.now() - started > 30_000) throw new Error('the reverse sync did not carry REST\'s writes to the monolith');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
