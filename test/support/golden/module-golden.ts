import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleId } from '../../../services/kit/index.ts';
import { PROJECT_ROOT } from '../ficus-process.ts';
import { startLegacyPhaseGateway, type LegacyPhaseGateway } from './legacy-phase-gateway.ts';
import { categoryOf, replayGolden, type ReplayOutcome } from './replay.ts';

/**
 * A service's golden cases (recorded from the real Odoo 18 by scripts/record-<service>-golden.py),
 * replayed by the judging replayer in both phases of its modules: still legacy (the gateway's own
 * engine over the monolith's database, no upstream Odoo) and after its cutover (served from the
 * service's database). Each service states its cases, their counts and its deliberate differences
 * once (a ModuleGolden); the two replay tests are one call each.
 */

/** One replay unit: the cases of `block` in `file`, replayed from a freshly restored database. */
export interface GoldenBlock {
  file: string;
  /** `pristine`: every pristine case of the file; a sequence (`seq_…`): its steps; any other name: the pristine cases of that category. */
  block: string;
}

/**
 * A case the service answers otherwise than the monolith on purpose: why, and (for a closed hole)
 * a fragment of the service's answer as the replayer prints it (`actual:`, the normalised JSON
 * with sorted keys), so that the case shows the new refusal, not just any other answer.
 */
export interface KnownDifference {
  why: string;
  answer?: string;
}
export type KnownDifferences = Readonly<Record<string, KnownDifference>>;

export interface ModuleGolden {
  /** How the modules are named in titles, e.g. `M03/M07/M08`. */
  label: string;
  service: string;
  modules: readonly ModuleId[];
  blocks: readonly GoldenBlock[];
  /** How many cases each category holds: a re-recording that loses or adds cases shows here. */
  counts: Readonly<Record<string, number>>;
  knownInLegacy?: KnownDifferences;
  knownAfterCutover?: KnownDifferences;
  /** How many failing cases the replayer prints in full (their `actual:` lines are what answers are judged by). */
  show?: number;
}

/** Writes the cases of one block to a temporary file for the replayer. */
export function blockFile({ file, block }: GoldenBlock): string {
  const lines = readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n').filter((l) => l.trim());
  const keep = (c: { id: string; db_state: string }) => {
    if (block === 'pristine') return c.db_state === 'pristine';
    if (block.startsWith('seq_')) return c.id.startsWith(`${block}#`);
    return c.db_state === 'pristine' && categoryOf(c.id) === block;
  };
  const out = path.join(tmpdir(), `golden-${path.basename(file, '.jsonl')}-${block}-${process.pid}.jsonl`);
  writeFileSync(out, lines.filter((l) => keep(JSON.parse(l) as { id: string; db_state: string })).join('\n') + '\n');
  return out;
}

/** The cases of several blocks in one file (the replayer runs the pristine ones after one reset, each sequence after its own). */
export function blocksFile(name: string, blocks: readonly GoldenBlock[]): string {
  const file = path.join(tmpdir(), `golden-${name}-${process.pid}.jsonl`);
  writeFileSync(file, blocks.map((b) => readFileSync(blockFile(b), 'utf8')).join(''));
  return file;
}

/** Per category: how many cases matched, of how many. */
export function tableByCategory(outcomes: readonly ReplayOutcome[]): Map<string, { pass: number; total: number }> {
  const byCategory = new Map<string, { pass: number; total: number }>();
  for (const o of outcomes) {
    const row = byCategory.get(categoryOf(o.id)) ?? { pass: 0, total: 0 };
    row.total += 1;
    if (o.outcome === 'pass') row.pass += 1;
    byCategory.set(categoryOf(o.id), row);
  }
  return byCategory;
}

export function printTable(title: string, outcomes: readonly ReplayOutcome[]): string {
  return [title, ...[...tableByCategory(outcomes)].map(([c, r]) => `  ${c.padEnd(16)} ${String(r.pass).padStart(3)}/${r.total}`)].join('\n');
}

export function countsByCategory(outcomes: readonly ReplayOutcome[]): Record<string, number> {
  return Object.fromEntries([...tableByCategory(outcomes)].map(([c, r]) => [c, r.total]));
}

/** The replayer's `actual:` line of each failing case it printed (run it with `show` above the number of failures). */
export function actualAnswers(printed: string): Map<string, string> {
  const answers = new Map<string, string>();
  for (const block of printed.split(/^FAIL /m).slice(1)) {
    const id = block.slice(0, block.indexOf(':'));
    const actual = /^ {2}actual: {2}(.*)$/m.exec(block);
    if (actual) answers.set(id, actual[1]!);
  }
  return answers;
}

/**
 * The judgement every replay test makes: every case matches the recording except the known
 * differences, each of which still differs (one that matches again must leave the list: the hole
 * would be open again) and, where an answer is listed, answers with it. Empty lists when all is well.
 */
export function judgeAgainstKnownDifferences(
  known: KnownDifferences,
  differing: readonly string[],
  answers: ReadonlyMap<string, string>,
): { unexpected: string[]; nowMatching: string[]; wrongAnswer: string[] } {
  return {
    unexpected: differing.filter((id) => !(id in known)),
    nowMatching: Object.keys(known).filter((id) => !differing.includes(id)),
    wrongAnswer: Object.entries(known)
      .filter(([id, k]) => k.answer !== undefined && differing.includes(id) && !(answers.get(id) ?? '').includes(k.answer))
      .map(([id, k]) => `${id}: expected an answer with ${k.answer}, got ${answers.get(id) ?? '(not printed)'}`),
  };
}

const ALL_WELL = { unexpected: [], nowMatching: [], wrongAnswer: [] };

/** The replay test of phase legacy: one gateway with no upstream Odoo, its own engine answering over the monolith's database. */
export function describeGoldenInLegacy(golden: ModuleGolden): void {
  describe(`${golden.label} golden cases in phase legacy (no upstream Odoo)`, () => {
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
      for (const module of golden.modules) expect(side.runtime.book.get(module).phase).toBe('legacy');
      const file = blocksFile(`${golden.service}-legacy`, golden.blocks);
      const report = await replayGolden(side.gateway.url, { db: 'hp_legacy', file, resetCmd: side.resetCmd, show: golden.show ?? 60 });
      outcomes = report.outcomes;
      answers = actualAnswers(report.printed);
      console.log(`${printTable(`${golden.label} golden in phase legacy (category: matched/total)`, outcomes)}\n${report.printed}`);
      expect(countsByCategory(outcomes)).toEqual(golden.counts);
      expect(outcomes.filter((o) => o.outcome === 'skip')).toEqual([]);
    });

    it('answers as the monolith did, apart from the listed deliberate differences', () => {
      const differing = outcomes.filter((o) => o.outcome !== 'pass').map((o) => o.id);
      console.log(`${golden.label} golden cases in phase legacy: ${outcomes.length - differing.length}/${outcomes.length} match`);
      expect(judgeAgainstKnownDifferences(golden.knownInLegacy ?? {}, differing, answers)).toEqual(ALL_WELL);
    });
  });
}

/** A gateway whose modules have been cut over to their service, on its own fresh databases. */
export interface CutoverSide {
  gatewayUrl: string;
  phaseOf(module: ModuleId): string;
  stop(): Promise<void>;
}

export interface AfterCutoverOptions {
  start(): Promise<CutoverSide>;
  /** Replay the pristine blocks against one stack (default), or each block against its own. */
  pristineTogether?: boolean;
  /**
   * A failing case that is still the monolith's answer by another measure (float summation
   * order): asked while its stack is up, it does not count as a difference.
   */
  equivalent?: (outcome: ReplayOutcome, gatewayUrl: string) => Promise<boolean>;
  timeoutMs?: number;
}

/**
 * The replay test after cutover: each sequence against a fresh stack (its ids assume a freshly
 * restored database), so the replayer's reset is a no-op; the pristine cases are replayed first
 * on the first sequence's stack, and their failing cases asked again (`equivalent`) before the
 * sequence runs. They only read (search_read, read, read_group, fields_get… in every recording so
 * far), so that sequence still meets the database as restored, and a run saves one stack (a fresh
 * copy, backfill and cutover: about 8 s of the suite each). Stacks that run the modules' syncs
 * take the service's sync lock one at a time (test/support/module-sync-lock.ts).
 */
export function describeGoldenAfterCutover(golden: ModuleGolden, options: AfterCutoverOptions): void {
  const together = options.pristineTogether ?? true;
  const pristine = golden.blocks.filter((b) => !b.block.startsWith('seq_'));
  const sequences = golden.blocks.filter((b) => b.block.startsWith('seq_')).map((b) => ({ name: b.block, parts: [[b]] }));
  // Each part is replayed on the run's stack in turn, and its failing cases are asked again
  // (`equivalent`) before the next part changes the database.
  const runs: { name: string; parts: (readonly GoldenBlock[])[] }[] =
    together && pristine.length
      ? sequences.length
        ? [{ name: `pristine, then ${sequences[0]!.name}`, parts: [pristine, ...sequences[0]!.parts] }, ...sequences.slice(1)]
        : [{ name: 'pristine', parts: [pristine] }]
      : [...pristine.map((b) => ({ name: b.block, parts: [[b]] })), ...sequences];
  const outcomes: ReplayOutcome[] = [];
  const printed: string[] = [];
  const answers = new Map<string, string>();
  const equivalent = new Set<string>();

  afterAll(() => {
    console.log([printTable(`${golden.label} golden after cutover to ${golden.service} (category: matched/total)`, outcomes), ...printed].join('\n'));
  });

  describe(`${golden.label} golden cases after ${golden.service} took over ${golden.modules.join(', ')}`, () => {
    for (const run of runs) {
      it(`replays ${run.name}`, { timeout: options.timeoutMs ?? 300_000 }, async () => {
        const side = await options.start();
        try {
          for (const module of golden.modules) expect(side.phaseOf(module)).toBe('service');
          for (const blocks of run.parts) {
            const name = blocks.length === 1 ? blocks[0]!.block : 'pristine';
            const file = blocksFile(`${golden.service}-after-${name}`, blocks);
            const report = await replayGolden(side.gatewayUrl, { db: 'hp_legacy', file, resetCmd: 'true', show: golden.show ?? 60 });
            outcomes.push(...report.outcomes);
            for (const [id, answer] of actualAnswers(report.printed)) answers.set(id, answer);
            printed.push(`--- ${name}\n${report.printed}`);
            if (options.equivalent) {
              for (const o of report.outcomes) if (o.outcome === 'fail' && (await options.equivalent(o, side.gatewayUrl))) equivalent.add(o.id);
            }
            expect(report.outcomes.length).toBeGreaterThan(0);
          }
        } finally {
          await side.stop();
        }
      });
    }

    it('answers as the monolith did, apart from the listed deliberate differences', () => {
      expect(countsByCategory(outcomes)).toEqual(golden.counts);
      expect(outcomes.filter((o) => o.outcome === 'skip')).toEqual([]);
      const differing = outcomes.filter((o) => o.outcome !== 'pass' && !equivalent.has(o.id)).map((o) => o.id);
      const exact = outcomes.length - differing.length - equivalent.size;
      console.log(`${golden.label} golden cases after cutover: ${exact}/${outcomes.length} match exactly${equivalent.size ? `, ${equivalent.size} by equivalence (${[...equivalent].join(', ')})` : ''}`);
      expect(judgeAgainstKnownDifferences(golden.knownAfterCutover ?? {}, differing, answers)).toEqual(ALL_WELL);
    });
  });
}
