import type { ReplayReport } from './replay.ts';
import { replayOnFreshCopy } from './fresh-copy-replay.ts';

/** A golden-format fixture of calls on hp_legacy replayed on a fresh copy of it (fresh-copy-replay.ts). */
export function replayOnHpLegacy(options: { fixture: string; show?: number }): Promise<ReplayReport> {
  return replayOnFreshCopy('hp_legacy', options);
}
