/** The M01 (hp_account) golden cases, recorded from the real Odoo 18 by scripts/record-m01-golden.py. */
export const M01_GOLDEN = 'fixtures/hp-legacy-golden-m01.jsonl';

/** How many cases each category holds: a re-recording that loses or adds cases shows here. */
export const M01_GOLDEN_COUNTS: Record<string, number> = { account: 93, seq_tokens: 42, seq_permissions: 29, seq_users: 21 };

/**
 * Cases Ficus answers differently after a real attempt to match them, with the reason. Each
 * must still differ (the replay test fails when one starts matching, so the list stays true).
 */
export const M01_KNOWN_DIFFERENCES: Record<string, string> = {};
