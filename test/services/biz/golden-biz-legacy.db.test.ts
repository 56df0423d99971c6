import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyPhaseGateway, type LegacyPhaseGateway } from '../../support/golden/legacy-phase-gateway.ts';
import { replayGolden, type ReplayOutcome } from '../../support/golden/replay.ts';
import {
  actualAnswers,
  blockFile,
  BIZ_REPLAY_BLOCKS,
  BIZ_REPLAY_COUNTS,
  countsByCategory,
  judgeAgainstKnownDifferences,
  printTable,
} from './golden-biz-cases.ts';

/**
 * M03, M07 and M08 as the monolith answered them (fixtures/hp-legacy-golden-biz.jsonl, recorded
 * from a real Odoo 18 by scripts/record-biz-golden.py), replayed over HTTP by the judging replayer
 * against a gateway whose modules are all still in phase legacy and that has no upstream Odoo:
 * the gateway's own engine answers over the legacy database, with biz's legacy behaviours
 * (action_go_live/action_end, action_leave/action_ban, member_count, and the host and membership
 * rules the monolith lacks). The replayer restores the database from the template before the
 * pristine block and before each sequence.
 */
describe('M03/M07/M08 golden cases in phase legacy (no upstream Odoo)', () => {
  let side: LegacyPhaseGateway;
  let outcomes: ReplayOutcome[] = [];
  let answers = new Map<string, string>();

  beforeAll(async () => {
    side = await startLegacyPhaseGateway();
  }, 120_000);
  afterAll(async () => {
    await side?.stop();
  });

  it('replays every recorded case', { timeout: 400_000 }, async () => {
    for (const module of ['M03', 'M07', 'M08'] as const) expect(side.runtime.book.get(module).phase).toBe('legacy');
    const file = path.join(tmpdir(), `biz-golden-legacy-${process.pid}.jsonl`);
    writeFileSync(file, BIZ_REPLAY_BLOCKS.map((b) => readFileSync(blockFile(b), 'utf8')).join(''));
    const report = await replayGolden(side.gateway.url, { db: 'hp_legacy', file, resetCmd: side.resetCmd, show: 300 });
    outcomes = report.outcomes;
    answers = actualAnswers(report.printed);
    console.log(`${printTable('M03/M07/M08 golden in phase legacy (category: matched/total)', outcomes)}\n${report.printed}`);
    expect(countsByCategory(outcomes)).toEqual(BIZ_REPLAY_COUNTS);
    expect(outcomes.filter((o) => o.outcome === 'skip')).toEqual([]);
  });

  it('answers as the monolith did, apart from the closed holes, which answer with the new refusal', () => {
    const differing = outcomes.filter((o) => o.outcome !== 'pass').map((o) => o.id);
    console.log(`M03/M07/M08 golden cases in phase legacy: ${outcomes.length - differing.length}/${outcomes.length} match`);
    expect(judgeAgainstKnownDifferences(differing, answers)).toEqual({ unexpected: [], nowMatching: [], wrongAnswer: [] });
  });
});
