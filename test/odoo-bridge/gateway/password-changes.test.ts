import { beforeAll, describe, expect, it } from 'vitest';
import type { ReplayOutcome, ReplayReport } from '../../support/golden/replay.ts';
import { replayOnOdooRef } from '../../support/golden/odoo-ref-replay.ts';
import { replayOnHpLegacy } from '../../support/golden/hp-legacy-replay.ts';
import { itAnswersAsOdooButListed } from '../../support/golden/known-differences.ts';

/**
 * res.users.change_password as admin, demo and portal (odoo_ref) and admin and a member
 * (hp_legacy), recorded from a real Odoo 18 by scripts/record-password-changes.py and replayed
 * over HTTP on fresh copies: the refusals (empty or wrong old password, empty, blank or
 * non-string new password), the change, then the old password over JSON-RPC and XML-RPC, the
 * new one, the web session opened before the change (expired), and the change back; and the users
 * list's Change Password wizard (change.password.wizard / change.password.user buttons: other
 * users' passwords and admin's own, blank refused, one wizard only, demo without the right).
 */
const STALE_WORKER_CACHE =
  "Odoo 18 accepted a password that had just been changed: service/model.py checks the credentials (res.users `check`, an ormcache per worker process) before `check_signaling` reads the other worker's cache invalidation, so a prefork worker that had accepted the password before the change accepts it once more (the recording's runs differ on some of these steps). Ficus refuses a changed password at once on every transport: its credential caches key on the stored hash";
const RUNS_DIFFERED =
  `${STALE_WORKER_CACHE}. Here the two recording runs answered differently (the record in one, the fault in the other), so the whole response is volatile, which the replayer cannot compare`;
const KNOWN_DIFFERENCES: Record<string, string> = {
  'seq_pw1#10': RUNS_DIFFERED,
  'seq_pw2#10': RUNS_DIFFERED,
  'seq_pw2#17': STALE_WORKER_CACHE,
  'seq_pw3#09': STALE_WORKER_CACHE,
  'seq_pwh1#09': STALE_WORKER_CACHE,
};

describe('res.users.change_password over JSON-RPC, XML-RPC and web sessions', () => {
  let outcomes: ReplayOutcome[];

  beforeAll(async () => {
    const reports: ReplayReport[] = [
      await replayOnOdooRef({ fixture: 'fixtures/odoo-golden-heldout-like/password-changes.jsonl', show: 40 }),
      await replayOnOdooRef({ fixture: 'fixtures/odoo-golden-heldout-like/password-wizard.jsonl', show: 40 }),
      await replayOnHpLegacy({ fixture: 'fixtures/odoo-golden-heldout-like/password-changes-hp-legacy.jsonl', show: 40 }),
    ];
    for (const report of reports) console.log(report.printed);
    outcomes = reports.flatMap((report) => report.outcomes);
  }, 1_200_000);

  it('replays the five users\u2019 sequences and the wizard\u2019s', () => {
    expect(outcomes.length).toBe(101);
    expect(outcomes.filter((o) => o.outcome === 'skip')).toEqual([]);
  });

  itAnswersAsOdooButListed(() => outcomes, KNOWN_DIFFERENCES);
});
