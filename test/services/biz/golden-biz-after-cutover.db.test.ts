import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayGolden, type ReplayOutcome } from '../../support/golden/replay.ts';
import {
  actualAnswers,
  blockFile,
  BIZ_REPLAY_BLOCKS,
  BIZ_REPLAY_COUNTS,
  countsByCategory,
  judgeAgainstKnownDifferences,
  printTable,
  type GoldenBlock,
} from './golden-biz-cases.ts';
import { BIZ_MODULES, startBizCutoverStack } from './golden-biz-cutover-stack.ts';

/**
 * The monolith's recorded answers for M03, M07 and M08 (fixtures/hp-legacy-golden-biz.jsonl,
 * recorded from a real Odoo 18 by scripts/record-biz-golden.py) replayed over HTTP by the judging
 * replayer against a gateway whose M03, M07 and M08 have been cut over to biz: hp.biz.dashboard,
 * hp.live.stream, hp.community.group and hp.community.member are then served from svc_biz, while
 * res.users stays the monolith's. The pristine reads run against one stack, each sequence
 * against a fresh one (its ids assume a freshly restored database). The stacks run the modules'
 * syncs, so they hold the biz lock one at a time (test/support/module-sync-lock.ts).
 */
const RUNS: { name: string; blocks: readonly GoldenBlock[] }[] = BIZ_REPLAY_BLOCKS.map((b) => ({ name: b.block, blocks: [b] }));

const outcomes: ReplayOutcome[] = [];
const printed: string[] = [];
const answers = new Map<string, string>();

afterAll(() => {
  console.log([printTable('M03/M07/M08 golden after cutover to biz (category: matched/total)', outcomes), ...printed].join('\n'));
});

describe('M03/M07/M08 golden cases after biz took over M03, M07 and M08', () => {
  for (const run of RUNS) {
    it(`replays ${run.name}`, { timeout: 300_000 }, async () => {
      const file = path.join(tmpdir(), `biz-golden-after-${run.name}-${process.pid}.jsonl`);
      writeFileSync(file, run.blocks.map((b) => readFileSync(blockFile(b), 'utf8')).join(''));
      const biz = await startBizCutoverStack();
      try {
        for (const module of BIZ_MODULES) expect(biz.stack.runtime.book.get(module).phase).toBe('service');
        // Each run has its own fresh stack, so the replayer's reset between sequences is a no-op.
        const report = await replayGolden(biz.stack.gatewayUrl, { db: 'hp_legacy', file, resetCmd: 'true', show: 300 });
        outcomes.push(...report.outcomes);
        for (const [id, answer] of actualAnswers(report.printed)) answers.set(id, answer);
        printed.push(`--- ${run.name}\n${report.printed}`);
        expect(report.outcomes.length).toBeGreaterThan(0);
      } finally {
        await biz.stop();
      }
    });
  }

  it('answers as the monolith did, apart from the closed holes, which answer with the new refusal', () => {
    expect(countsByCategory(outcomes)).toEqual(BIZ_REPLAY_COUNTS);
    expect(outcomes.filter((o) => o.outcome === 'skip')).toEqual([]);
    const differing = outcomes.filter((o) => o.outcome !== 'pass').map((o) => o.id);
    console.log(`M03/M07/M08 golden cases after cutover: ${outcomes.length - differing.length}/${outcomes.length} match`);
    expect(judgeAgainstKnownDifferences(differing, answers)).toEqual({ unexpected: [], nowMatching: [], wrongAnswer: [] });
  });
});
