import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../support/ficus-process.ts';
import { categoryOf, type ReplayOutcome } from '../../../support/golden/replay.ts';

/** The M13–M15 (hp_payment, hp_points, hp_gift) golden cases, recorded from the real Odoo 18 by scripts/record-finance-golden.py. */
export const FINANCE_GOLDEN = 'fixtures/hp-legacy-golden-finance.jsonl';

/** How many cases each category holds: a re-recording that loses or adds cases shows here. */
export const FINANCE_GOLDEN_COUNTS: Record<string, number> = { finance: 75, seq_payments: 44, seq_settlements: 30, seq_points: 34, seq_gifts: 36 };

/** The pristine block and the sequences of the finance file, each replayed from a fresh database. */
export const FINANCE_BLOCKS = ['pristine', 'seq_payments', 'seq_settlements', 'seq_points', 'seq_gifts'] as const;

/**
 * The cases of fixtures/hp-legacy-golden.jsonl that read or write M13/M14 (category `ledger`, and
 * the sequences whose payment pays an order and whose completed order awards points): after the
 * cutover to finance they must still answer as recorded (issue 21, bar 1: "the hp_payment
 * sequences included").
 */
export const LEGACY_GOLDEN = 'fixtures/hp-legacy-golden.jsonl';
export const LEGACY_FINANCE_BLOCKS = ['ledger', 'seq_lifecycle', 'seq_errors'] as const;

/**
 * Cases the gateway's embedded engine answers differently in phase legacy after a real attempt
 * to match them, with the reason. Each must still differ (the replay tests fail when one starts
 * matching, so the list stays true).
 */
const GIFT_IN_ANOTHERS_NAME =
  "hp.gift.order has no record rule in the monolith, so a member may create a gift order with another member as sender_id and Odoo debits that member's points. Finance closes the hole on every protocol and on both sides of the cut (SERVICES.md §6, MIGRATION.md M15): the sender must be the caller (operators and admins excepted), so member001 gets an AccessError here where Odoo created gift order 318.";
const GIFT_IN_ANOTHERS_NAME_BALANCE = "Consequence of seq_gifts#35: member002's points were not debited, its balance stays 1258 instead of 1238.";

export const FINANCE_KNOWN_DIFFERENCES_IN_LEGACY: Record<string, string> = {
  // The embedded engine runs finance's gift-order behaviour over the legacy database too (SERVICES.md §2), sender rule included.
  'seq_gifts#35': GIFT_IN_ANOTHERS_NAME,
  'seq_gifts#36': GIFT_IN_ANOTHERS_NAME_BALANCE,
};

export const FINANCE_KNOWN_DIFFERENCES_AFTER_CUTOVER: Record<string, string> = {
  'seq_gifts#35': GIFT_IN_ANOTHERS_NAME,
  'seq_gifts#36': GIFT_IN_ANOTHERS_NAME_BALANCE,
};

/** One replay unit: the cases of `block` in `file`, replayed from a freshly restored database. */
export interface GoldenBlock {
  file: string;
  /** `pristine`: every pristine case of the file; a sequence (`seq_…`): its steps; any other name: the pristine cases of that category. */
  block: string;
}

/** What both replay tests run: the finance file whole, and the M13/M14 parts of the older file. */
export const FINANCE_REPLAY_BLOCKS: readonly GoldenBlock[] = [
  ...FINANCE_BLOCKS.map((block) => ({ file: FINANCE_GOLDEN, block })),
  ...LEGACY_FINANCE_BLOCKS.map((block) => ({ file: LEGACY_GOLDEN, block })),
];

/** The categories the replay must hold, with their sizes (the ledger/seq_* ones of the older file as recorded there). */
export const REPLAY_COUNTS: Record<string, number> = { ...FINANCE_GOLDEN_COUNTS, ledger: 10, seq_lifecycle: 39, seq_errors: 41 };

/** Writes the cases of one block to a temporary file for the replayer. */
export function blockFile({ file, block }: GoldenBlock): string {
  const lines = readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n').filter((l) => l.trim());
  const keep = (c: { id: string; db_state: string }) => {
    if (block === 'pristine') return c.db_state === 'pristine';
    if (block.startsWith('seq_')) return c.id.startsWith(`${block}#`);
    return c.db_state === 'pristine' && categoryOf(c.id) === block;
  };
  const out = path.join(tmpdir(), `finance-golden-${path.basename(file, '.jsonl')}-${block}-${process.pid}.jsonl`);
  writeFileSync(out, lines.filter((l) => keep(JSON.parse(l) as { id: string; db_state: string })).join('\n') + '\n');
  return out;
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
