import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayGolden, type ReplayOutcome } from '../../support/golden/replay.ts';
import { FINANCE_MODULES, startFinanceCutoverStack } from './support/finance-cutover-stack.ts';
import {
  blockFile,
  countsByCategory,
  FINANCE_KNOWN_DIFFERENCES_AFTER_CUTOVER as KNOWN_DIFFERENCES,
  FINANCE_REPLAY_BLOCKS,
  printTable,
  REPLAY_COUNTS,
  type GoldenBlock,
} from './support/finance-golden.ts';

// Everything that runs the M13–M15 syncs lives in this one file (slots are per cluster), run in order.

/**
 * The monolith's recorded answers for M13–M15 (fixtures/hp-legacy-golden-finance.jsonl, recorded
 * from a real Odoo 18 by scripts/record-finance-golden.py, and the ledger / payment parts of
 * fixtures/hp-legacy-golden.jsonl) replayed over HTTP by the judging replayer against a gateway
 * whose M13, M14 and M15 have been cut over to finance: hp.payment, hp.settlement,
 * hp.points.transaction, hp.gift and hp.gift.order are then served from svc_finance, while
 * res.users (points_balance), service orders and mall orders stay the monolith's. The pristine
 * reads of both files run against one stack, each sequence against a fresh one (its ids assume a
 * freshly restored database).
 */
const pristine = FINANCE_REPLAY_BLOCKS.filter((b) => !b.block.startsWith('seq_'));
const RUNS: { name: string; blocks: readonly GoldenBlock[] }[] = [
  { name: 'pristine', blocks: pristine },
  ...FINANCE_REPLAY_BLOCKS.filter((b) => b.block.startsWith('seq_')).map((b) => ({ name: b.block, blocks: [b] })),
];

const outcomes: ReplayOutcome[] = [];
const printed: string[] = [];

afterAll(() => {
  console.log([printTable('M13–M15 golden after cutover to finance (category: matched/total)', outcomes), ...printed].join('\n'));
});

describe('M13–M15 golden cases after finance took over M13, M14 and M15', () => {
  for (const run of RUNS) {
    it(`replays ${run.name}`, { timeout: 240_000 }, async () => {
      const file = path.join(tmpdir(), `finance-golden-after-${run.name}-${process.pid}.jsonl`);
      writeFileSync(file, run.blocks.map((b) => readFileSync(blockFile(b), 'utf8')).join(''));
      const finance = await startFinanceCutoverStack();
      try {
        for (const module of FINANCE_MODULES) expect(finance.stack.runtime.book.get(module).phase).toBe('service');
        // Each run has its own fresh stack, so the replayer's reset between sequences is a no-op.
        const report = await replayGolden(finance.stack.gatewayUrl, { db: 'hp_legacy', file, resetCmd: 'true', show: 30 });
        outcomes.push(...report.outcomes);
        printed.push(`--- ${run.name}\n${report.printed}`);
        expect(report.outcomes.length).toBeGreaterThan(0);
      } finally {
        await finance.stop();
      }
    });
  }

  it('answers as the monolith did, apart from the listed known differences', () => {
    expect(countsByCategory(outcomes)).toEqual(REPLAY_COUNTS);
    expect(outcomes.filter((o) => o.outcome === 'skip')).toEqual([]);
    const differing = outcomes.filter((o) => o.outcome !== 'pass').map((o) => o.id);
    console.log(`M13–M15 golden cases after cutover: ${outcomes.length - differing.length}/${outcomes.length} match`);
    expect(differing.filter((id) => !(id in KNOWN_DIFFERENCES))).toEqual([]);
    // A known difference that now matches must leave the list: the hole would be open again.
    expect(Object.keys(KNOWN_DIFFERENCES).filter((id) => !differing.includes(id))).toEqual([]);
  });
});
