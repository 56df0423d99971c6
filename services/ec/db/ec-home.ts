import { moduleHome, type ModuleHome, type RowHome } from '../../kit/index.ts';
import type { EcLegacyTables } from './tables.ts';

/**
 * Where the rows of each of ec's modules live right now (the kit's moduleHome): the monolith's
 * tables until the control plane records ec as that module's owner, svc_ec from its cutover on.
 * M09 and M10 change owner on their own (nothing writes both in one transaction), so each has its
 * own home: a REST route or event handler asks the home of the module it touches.
 */
export type EcHome = RowHome;
export type EcModuleHome = ModuleHome<EcLegacyTables>;

/** M09 (hp_mall): hp.mall.order → orders, hp.mall.order.line → order_lines, hp.inventory → inventories. */
export const mallHome: EcModuleHome = moduleHome<EcLegacyTables>(['M09']);
/** M10 (hp_ads): hp.ad.campaign → ad_campaigns, hp.ad.impression → ad_impressions. */
export const adsHome: EcModuleHome = moduleHome<EcLegacyTables>(['M10']);
