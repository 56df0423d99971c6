import { moduleHome, type ModuleHome, type RowHome } from '../../kit/index.ts';
import type { BizLegacyTables } from './tables.ts';

/**
 * Where the rows of each of biz's modules live right now (the kit's moduleHome): the monolith's
 * tables until the control plane records biz as that module's owner, svc_biz from its cutover on.
 * M03, M07 and M08 change owner on their own (nothing writes two of them in one transaction), so
 * each has its own home: a REST route or event handler asks the home of the module it touches.
 */
export type BizHome = RowHome;
export type BizModuleHome = ModuleHome<BizLegacyTables>;

/** M03 (hp_workbench): hp.biz.dashboard → biz_dashboards. */
export const dashboardHome: BizModuleHome = moduleHome<BizLegacyTables>(['M03']);
/** M07 (hp_live): hp.live.stream → live_streams. */
export const liveStreamHome: BizModuleHome = moduleHome<BizLegacyTables>(['M07']);
/** M08 (hp_community_biz): hp.community.group → community_groups, hp.community.member → members. */
export const communityHome: BizModuleHome = moduleHome<BizLegacyTables>(['M08']);
