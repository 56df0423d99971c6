import type { BizDatabase } from '../../../services/biz/db/tables.ts';
import biz from '../../../services/biz/index.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';

/** M07's table. */
export const LIVE_TABLES = ['live_streams'] as const;

export type LiveRestStack = ServiceRestStack<BizDatabase>;

/** Tencent Cloud CSS settings the live tests run with (test keys, no real domain). */
export const LIVE_ENV = {
  FICUS_TENCENT_LIVE_PUSH_DOMAIN: 'livepush.ficus.test',
  FICUS_TENCENT_LIVE_PLAY_DOMAIN: 'liveplay.ficus.test',
  FICUS_TENCENT_LIVE_PUSH_KEY: 'push-key-1d8c0a6b5e4f3a2b',
  FICUS_TENCENT_LIVE_PLAY_KEY: 'play-key-9f8e7d6c5b4a3f2e',
  FICUS_TENCENT_LIVE_CALLBACK_KEY: 'callback-key-0a1b2c3d4e5f6a7b',
} as const;

/** Sets the live settings in this process's environment (the routes read them per request); returns how to put the environment back. */
export function useLiveEnv(): () => void {
  const before = Object.fromEntries(Object.keys(LIVE_ENV).map((k) => [k, process.env[k]]));
  Object.assign(process.env, LIVE_ENV);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** The biz service's REST API as `ficus start` serves it, after a backfill of M07, with the owner of biz's modules as `owner` (test/support/service-rest-stack.ts). */
export function startLiveRestStack(options: { owner: ModuleOwner }): Promise<LiveRestStack> {
  return startServiceRestStack({ definition: biz, tables: LIVE_TABLES, owner: options.owner });
}
