/**
 * hp_marketplace's ir.sequence `seq_hp_service_order` (data/ir_sequence_data.xml): prefix
 * `SO/%(year)s/`, five digits, no suffix. The year comes from the clock in UTC (no user tz over RPC).
 */
export const ORDER_NAME_PADDING = 5;

export function orderName(number: number, now = new Date()): string {
  return `SO/${now.getUTCFullYear()}/${String(number).padStart(ORDER_NAME_PADDING, '0')}`;
}

/** Names drawn from that sequence (any year), so the counter can continue after the highest one. */
export const SEQUENCE_NAME_PATTERN = '^SO/[0-9]{4}/[0-9]+$';
