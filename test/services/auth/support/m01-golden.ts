/** The M01 (hp_account) golden cases, recorded from the real Odoo 18 by scripts/record-m01-golden.py. */
export const M01_GOLDEN = 'fixtures/hp-legacy-golden-m01.jsonl';

/** How many cases each category holds: a re-recording that loses or adds cases shows here. */
export const M01_GOLDEN_COUNTS: Record<string, number> = { account: 93, seq_tokens: 42, seq_permissions: 29, seq_users: 21 };

/**
 * Cases Ficus answers differently after a real attempt to match them, with the reason. Each
 * must still differ (the replay tests fail when one starts matching, so the lists stay true).
 */
export const M01_KNOWN_DIFFERENCES_IN_LEGACY: Record<string, string> = {};

export const M01_KNOWN_DIFFERENCES_AFTER_CUTOVER: Record<string, string> = {
  'seq_tokens#15':
    "Odoo's answer is PostgreSQL's foreign key auth_tokens_user_id_fkey (user 999999 does not exist). svc_auth keeps no foreign key to res_users (those rows are the monolith's), so the token is created there; auth would have to check user_id against the monolith itself.",
  'seq_tokens#41': 'Consequence of seq_tokens#15: the token for the missing user exists, so the count is one higher.',
  'seq_permissions#28':
    "A (0, 0, vals) command on group_ids creates a res.groups row. res.groups stays the monolith's after cutover and svc_auth only holds a read-only copy (no id sequence), so the create fails with a ValidationError about res.groups' id instead of creating group 25.",
  'seq_permissions#29': 'Consequence of seq_permissions#28: permission 27 was not created.',
};
