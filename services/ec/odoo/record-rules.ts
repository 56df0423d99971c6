import type { DeclaredRecordRule } from '../../kit/index.ts';

/**
 * The hole hp_mall leaves open: hp.mall.order.line has no record rule, so any member reads,
 * changes, adds and deletes the lines of another member's order (and so its amount_total). Ec
 * closes it on every protocol and in both phases (SERVICES.md §6; MIGRATION.md lists it): a line
 * follows its order's rules, rule_mall_order_buyer for members and rule_mall_order_staff for
 * merchants and operators (who are members too, by implied group: group rules are ORed).
 */
export const EC_RECORD_RULES: readonly DeclaredRecordRule[] = [
  {
    name: 'Mall order lines: buyers see the lines of their own orders (ec)',
    model: 'hp.mall.order.line',
    domain: "[('order_id.buyer_id', '=', user.id)]",
    groups: ['hp_account.group_hp_member'],
  },
  {
    name: 'Mall order lines: merchants and operators see all (ec)',
    model: 'hp.mall.order.line',
    domain: '[(1, \'=\', 1)]',
    groups: ['hp_account.group_hp_merchant', 'hp_account.group_hp_operator'],
  },
];
