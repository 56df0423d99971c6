import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models the biz service serves once M03, M07 and M08 reach phase `service`, with their legacy tables. */
export const BIZ_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.biz.dashboard', table: 'biz_dashboards', module: 'M03' },
  { model: 'hp.live.stream', table: 'live_streams', module: 'M07' },
  { model: 'hp.community.group', table: 'community_groups', module: 'M08' },
  { model: 'hp.community.member', table: 'members', module: 'M08' },
];
