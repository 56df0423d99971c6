import { describe, expect, it } from 'vitest';
import { inCanary } from '../../../odoo-bridge/routing/canary.ts';
import { legacyBusinessMethods, DEFAULT_ADDONS_PATH } from '../../../migration/control/gates/business-methods.ts';
import { modeAt } from '../../../migration/control/store/sync-store.ts';
import { diffAnswers } from '../../../migration/control/shadow/answer-diff.ts';
import { isReadMethod } from '../../../migration/control/call-kinds.ts';

describe('migration control plane, pure parts', () => {
  it('canary membership is sticky and grows with the percentage', () => {
    const uids = Array.from({ length: 2000 }, (_, i) => i + 1);
    const at10 = uids.filter((u) => inCanary('M19', u, 10));
    const at25 = uids.filter((u) => inCanary('M19', u, 25));
    expect(at10.length / uids.length).toBeGreaterThan(0.07);
    expect(at10.length / uids.length).toBeLessThan(0.13);
    expect(at10.every((u) => at25.includes(u))).toBe(true);
    expect(uids.filter((u) => inCanary('M19', u, 10))).toEqual(at10);
  });

  it('finds the public non-CRUD business methods of an addon', async () => {
    const feed = await legacyBusinessMethods(DEFAULT_ADDONS_PATH, 'hp_feed');
    expect(Object.fromEntries(feed)).toEqual({ 'hp.user.feed': ['action_mark_seen'] });
    const market = await legacyBusinessMethods(DEFAULT_ADDONS_PATH, 'hp_marketplace');
    expect(market.get('hp.service.order')).toEqual(expect.arrayContaining(['action_submit', 'action_complete', 'action_refund']));
    expect([...market.values()].flat()).not.toContain('create');
  });

  it('a change goes by the ownership switch in force at its LSN; an open switch makes readers wait', () => {
    const switches = [{ seq: 1, atLsn: 100, mode: 'command' as const }, { seq: 2, atLsn: 200, mode: 'apply' as const }];
    expect(modeAt(switches, 50, 'apply')).toBe('apply');
    expect(modeAt(switches, 150, 'apply')).toBe('command');
    expect(modeAt(switches, 250, 'apply')).toBe('apply');
    expect(modeAt([...switches, { seq: 3, atLsn: null, mode: 'command' }], 250, 'apply')).toBeUndefined();
  });

  it('shadow diffs name the differing paths and never carry health values', () => {
    // `score` is also an assessment's health value: redaction goes by name, so it is hidden too.
    const diff = diffAnswers([{ id: 1, seen: false, score: 0.5, current_value: 80 }], [{ id: 1, seen: true, score: -1, current_value: 81 }]);
    expect(diff).toEqual([
      { path: '[0].current_value', legacy: '[redacted]', service: '[redacted]' },
      { path: '[0].score', legacy: '[redacted]', service: '[redacted]' },
      { path: '[0].seen', legacy: false, service: true },
    ]);
    expect(diffAnswers([[1, 'a']], [[1, 'a']])).toEqual([]);
  });

  it('only known read methods count as reads', () => {
    expect(isReadMethod('search_read')).toBe(true);
    expect(isReadMethod('action_mark_seen')).toBe(false);
    expect(isReadMethod('some_new_method')).toBe(false);
  });
});
