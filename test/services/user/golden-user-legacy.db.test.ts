import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyPhaseGateway, type LegacyPhaseGateway } from '../../support/golden/legacy-phase-gateway.ts';
import { replayGolden, type ReplayOutcome } from '../../support/golden/replay.ts';
import {
  blockFile,
  countsByCategory,
  printTable,
  USER_KNOWN_DIFFERENCES_IN_LEGACY as KNOWN_DIFFERENCES,
  USER_REPLAY_BLOCKS,
  USER_REPLAY_COUNTS,
} from './support/golden-user.ts';

/**
 * M02 (hp_personal) as the monolith answered it (fixtures/hp-legacy-golden-user.jsonl, recorded
 * from a real Odoo 18 by scripts/record-user-golden.py, and the `personal` / `seq_goal` parts of
 * fixtures/hp-legacy-golden.jsonl), replayed over HTTP by the judging replayer against a gateway
 * whose M02 is still in phase legacy and that has no upstream Odoo: the gateway's own engine
 * answers over the legacy database, with the user service's legacy behaviours
 * (action_record_progress, the stored progress and risk_level). The replayer restores the
 * database from the template before the pristine block and before each sequence.
 */
describe('M02 golden cases in phase legacy (no upstream Odoo)', () => {
  let side: LegacyPhaseGateway;
  let outcomes: ReplayOutcome[] = [];

  beforeAll(async () => {
    side = await startLegacyPhaseGateway();
  }, 120_000);
  afterAll(async () => {
    await side?.stop();
  });

  it('replays every recorded case', { timeout: 400_000 }, async () => {
    expect(side.runtime.book.get('M02').phase).toBe('legacy');
    // One file: the replayer runs its pristine cases after one reset and each sequence after its own.
    const file = path.join(tmpdir(), `user-golden-legacy-${process.pid}.jsonl`);
    writeFileSync(file, USER_REPLAY_BLOCKS.map((b) => readFileSync(blockFile(b), 'utf8')).join(''));
    const report = await replayGolden(side.gateway.url, { db: 'hp_legacy', file, resetCmd: side.resetCmd, show: 60 });
    outcomes = report.outcomes;
    console.log(`${printTable('M02 golden in phase legacy (category: matched/total)', outcomes)}\n${report.printed}`);
    expect(countsByCategory(outcomes)).toEqual(USER_REPLAY_COUNTS);
    expect(outcomes.filter((o) => o.outcome === 'skip')).toEqual([]);
  });

  it('answers as the monolith did, apart from the listed known differences', () => {
    const differing = outcomes.filter((o) => o.outcome !== 'pass').map((o) => o.id);
    console.log(`M02 golden cases in phase legacy: ${outcomes.length - differing.length}/${outcomes.length} match`);
    expect(differing.filter((id) => !(id in KNOWN_DIFFERENCES))).toEqual([]);
    // A known difference that now matches must leave the list.
    expect(Object.keys(KNOWN_DIFFERENCES).filter((id) => !differing.includes(id))).toEqual([]);
  });
});
