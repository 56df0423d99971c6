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
  'seq_permissions#28':
    "A (0, 0, vals) command on group_ids creates a res.groups row. res.groups stays the monolith's after cutover and svc_auth only holds a read-only copy of it, so the engine refuses the command with a UserError that says so (create the group in Odoo, then link it with (4, id)) instead of creating group 25: creating it in the monolith from inside svc_auth's transaction could not be undone with it, and the copy would only learn the group later.",
  'seq_permissions#29': 'Consequence of seq_permissions#28: permission 27 was not created.',
};
