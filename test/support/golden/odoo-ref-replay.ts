import type { ReplayReport } from './replay.ts';
import { replayOnFreshCopy } from './fresh-copy-replay.ts';

/** A golden-format file replayed on a fresh copy of odoo_ref (fresh-copy-replay.ts); the public golden.jsonl by default. */
export function replayOnOdooRef(options: { fixture?: string; show?: number } = {}): Promise<ReplayReport> {
  return replayOnFreshCopy('odoo_ref', options);
}
