import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyPhaseGateway, type LegacyPhaseGateway } from '../../support/golden/legacy-phase-gateway.ts';
import { replayGolden, type ReplayOutcome } from '../../support/golden/replay.ts';
import { FINANCE_MODULES } from './support/finance-cutover-stack.ts';
import {
  blockFile,
  countsByCategory,
  FINANCE_KNOWN_DIFFERENCES_IN_LEGACY as KNOWN_DIFFERENCES,
  FINANCE_REPLAY_BLOCKS,
  printTable,
  REPLAY_COUNTS,
} from './support/finance-golden.ts';

/**
 * M13–M15 (hp_payment, hp_points, hp_gift) as the monolith answered them
 * (fixtures/hp-legacy-golden-finance.jsonl, recorded from a real Odoo 18 by
 * scripts/record-finance-golden.py, and the ledger / payment parts of
 * fixtures/hp-legacy-golden.jsonl), replayed over HTTP by the judging replayer against a gateway
 * whose M13, M14 and M15 are still in phase legacy and that has no upstream Odoo: the gateway's
 * own engine answers over the legacy database, business methods included (SERVICES.md §2). The
 * replayer restores the database from the template before the pristine block and before each
 * sequence.
 */
describe('M13–M15 golden cases in phase legacy (no upstream Odoo)', () => {
  let side: LegacyPhaseGateway;
  let outcomes: ReplayOutcome[] = [];

  beforeAll(async () => {
    side = await startLegacyPhaseGateway();
  }, 120_000);
  afterAll(async () => {
    await side?.stop();
  });

  it('replays every recorded case', { timeout: 400_000 }, async () => {
    for (const module of FINANCE_MODULES) expect(side.runtime.book.get(module).phase).toBe('legacy');
    // One file: the replayer runs its pristine cases after one reset and each sequence after its own.
    const file = path.join(tmpdir(), `finance-golden-legacy-${process.pid}.jsonl`);
    writeFileSync(file, FINANCE_REPLAY_BLOCKS.map((b) => readFileSync(blockFile(b), 'utf8')).join(''));
    const report = await replayGolden(side.gateway.url, { db: 'hp_legacy', file, resetCmd: side.resetCmd, show: 60 });
    outcomes = report.outcomes;
    console.log(`${printTable('M13–M15 golden in phase legacy (category: matched/total)', outcomes)}\n${report.printed}`);
    expect(countsByCategory(outcomes)).toEqual(REPLAY_COUNTS);
    expect(outcomes.filter((o) => o.outcome === 'skip')).toEqual([]);
  });

  it('answers as the monolith did, apart from the listed known differences', () => {
    const differing = outcomes.filter((o) => o.outcome !== 'pass').map((o) => o.id);
    console.log(`M13–M15 golden cases in phase legacy: ${outcomes.length - differing.length}/${outcomes.length} match`);
    expect(differing.filter((id) => !(id in KNOWN_DIFFERENCES))).toEqual([]);
    // A known difference that now matches must leave the list.
    expect(Object.keys(KNOWN_DIFFERENCES).filter((id) => !differing.includes(id))).toEqual([]);
  });
});
