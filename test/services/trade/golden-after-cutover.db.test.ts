import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { categoryOf, replayGolden, type ReplayOutcome } from '../../support/golden/replay.ts';
import { startTradeCutoverStack } from './support/trade-cutover-stack.ts';

/**
 * The monolith's recorded answers (fixtures/hp-legacy-golden.jsonl, copied from
 * ../shared/legacy-odoo/golden) replayed over HTTP by the judging replayer against a gateway
 * whose M04 and M20 have been cut over to trade: the pristine reads all against one stack, each
 * M04/M20 sequence against a fresh one (the sequences' ids assume a freshly restored database).
 */
const GOLDEN = path.join(PROJECT_ROOT, 'fixtures/hp-legacy-golden.jsonl');
const BLOCKS = [
  { name: 'pristine', keep: (c: { db_state: string }) => c.db_state === 'pristine' },
  { name: 'seq_lifecycle', keep: (c: { id: string }) => c.id.startsWith('seq_lifecycle#') },
  { name: 'seq_errors', keep: (c: { id: string }) => c.id.startsWith('seq_errors#') },
  { name: 'seq_grab', keep: (c: { id: string }) => c.id.startsWith('seq_grab#') },
];
const TRADE_CATEGORIES = ['market', 'grab', 'seq_lifecycle', 'seq_errors', 'seq_grab'];

/**
 * Cases that still differ, none of them in trade's own behaviour: hp.payment (M13) has no
 * Python behaviour in the legacy engine yet (defaults, action_succeed → action_mark_paid across
 * the cut, action_refund), res.users.points_balance (M14) is a non-stored compute the read engine
 * refuses, and reading the one2many grab_ids as a member is not refused by the read engine
 * (Odoo checks the comodel's read right). Any other difference fails the test.
 */
const KNOWN_GAPS = new Set([
  'seq_lifecycle#03', 'seq_lifecycle#23',
  ...[28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39].map((n) => `seq_lifecycle#${n}`),
]);

const outcomes: ReplayOutcome[] = [];
const printed: string[] = [];

afterAll(() => {
  const byCategory = new Map<string, { pass: number; total: number }>();
  for (const o of outcomes) {
    const row = byCategory.get(categoryOf(o.id)) ?? { pass: 0, total: 0 };
    row.total += 1;
    if (o.outcome === 'pass') row.pass += 1;
    byCategory.set(categoryOf(o.id), row);
  }
  console.log(['golden after cutover of M04+M20 (category: matched/total)', ...[...byCategory].map(([c, r]) => `  ${c.padEnd(15)} ${r.pass}/${r.total}`), ...printed].join('\n'));
});

describe('legacy golden cases after trade took over M04 and M20', () => {
  const lines = readFileSync(GOLDEN, 'utf8').split('\n').filter((l) => l.trim());
  for (const block of BLOCKS) {
    it(`replays ${block.name}`, { timeout: 100_000 }, async () => {
      const file = path.join(tmpdir(), `hp-golden-${block.name}-${process.pid}.jsonl`);
      writeFileSync(file, lines.filter((l) => block.keep(JSON.parse(l))).join('\n') + '\n');
      const trade = await startTradeCutoverStack();
      try {
        // Each block gets its own fresh stack, so the replayer's reset between sequences is a no-op.
        const report = await replayGolden(trade.stack.gatewayUrl, { db: 'hp_legacy', file, resetCmd: 'true', show: 8 });
        outcomes.push(...report.outcomes);
        printed.push(`--- ${block.name}\n${report.printed}`);
        expect(report.outcomes.length).toBeGreaterThan(0);
      } finally {
        await trade.stop();
      }
    });
  }

  it('matches the recorded answers of the M04/M20 categories', () => {
    const trade = outcomes.filter((o) => TRADE_CATEGORIES.includes(categoryOf(o.id)));
    const failing = trade.filter((o) => o.outcome !== 'pass').map((o) => o.id);
    expect(trade.length).toBe(34 + 13 + 39 + 41 + 23);
    console.log(`M04/M20 golden cases after cutover: ${trade.length - failing.length}/${trade.length} match`);
    expect(failing.filter((id) => !KNOWN_GAPS.has(id))).toEqual([]);
  });
});
