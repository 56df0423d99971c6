import type pg from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CallHandler, OdooCall } from '../../../odoo-bridge/call.ts';
import { currentWriteAttempt, WriteCancelled } from '../../../odoo-bridge/orm/write/write-attempt.ts';
import { phaseAwareHandler, type PhaseDirectory } from '../../../odoo-bridge/routing/phase-routing.ts';
import { FreezeGate } from '../../../migration/control/freeze-gate.ts';
import type { PhaseBook } from '../../../migration/control/phase-book.ts';
import type { Phase } from '../../../migration/control/phases.ts';
import type { ModulePhase } from '../../../migration/control/store/phase-store.ts';

/**
 * The freeze gate's bounded quiesce with the real gate, phase-aware handler and write attempts;
 * the two sides are stand-in engines that do what write/transaction.ts does with an attempt
 * (wait through `race`, take the commit turn before committing). The database version, with
 * real transactions and row locks, is bounded-quiesce.db.test.ts.
 */
const MODULE_OF: Record<string, string> = { 'x.order': 'M04', 'x.grab': 'M20' };

function harness() {
  const phases = new Map<string, ModulePhase>();
  const listeners: ((p: ModulePhase) => void)[] = [];
  const phaseOf = (module: string): ModulePhase => phases.get(module) ?? { module, phase: 'legacy', canaryPercent: 0, freeze: null, version: 0 };
  const book = { get: phaseOf, onChange: (l: (p: ModulePhase) => void) => (listeners.push(l), () => undefined), refresh: async (m: string) => phaseOf(m) } as unknown as PhaseBook;
  const acks: string[] = [];
  const control = { query: async (_sql: string, params: unknown[]) => (acks.push(String(params[0])), { rows: [], rowCount: 1 }) } as unknown as pg.Pool;
  const metrics = new Registry();
  const gate = new FreezeGate({ book, control, gatewayId: 'test', logger: pino({ level: 'silent' }), metrics, graceMs: 50 });
  const set = (module: string, patch: Partial<ModulePhase>) => {
    const next = { ...phaseOf(module), ...patch };
    phases.set(module, next);
    for (const l of listeners) l(next);
  };
  const directory: PhaseDirectory = {
    moduleOfModel: (model) => MODULE_OF[model],
    phaseOf: (module) => phaseOf(module),
    isFrozen: (module) => gate.isFrozen(module),
    enterWrite: (module, attempt) => gate.enterWrite(module, attempt),
    isReadMethod: (method) => method === 'read',
  };
  /** Every commit either side made, in order. */
  const committed: string[] = [];
  return {
    gate,
    directory,
    committed,
    freeze(modules: string[]) {
      for (const m of modules) set(m, { freeze: { epoch: Date.now(), until: new Date(Date.now() + 60_000) } });
    },
    flip(modules: string[], phase: Phase) {
      for (const m of modules) set(m, { phase, freeze: null });
    },
    async acknowledged(module: string): Promise<void> {
      while (!acks.includes(module)) await new Promise((r) => setTimeout(r, 5));
    },
    acks,
    async cancelledCount(): Promise<number> {
      const m = await metrics.getSingleMetric('ficus_migration_writes_cancelled_total')!.get();
      return m.values.reduce((s, v) => s + v.value, 0);
    },
    /** A side's engine: `work` runs inside the call (a lock wait, a behaviour), then the commit, as write/transaction.ts takes it. */
    engine(side: string, work: (call: OdooCall) => Promise<void>, commit: () => Promise<void> = async () => undefined): CallHandler {
      return async (call) => {
        const attempt = currentWriteAttempt();
        await work(call);
        if (attempt && !attempt.beginCommit()) throw new WriteCancelled();
        await commit();
        committed.push(`${side}: ${call.model}.${call.method}`);
        return side;
      };
    },
  };
}

const call = (model: string, method: string): OdooCall => ({ database: 'hp_legacy', uid: 2, model, method, args: [], kwargs: {} });
const never = new Promise<void>(() => undefined);
/** A lock wait, interrupted when the attempt is cancelled (PostgreSQL's cancel request, in the engine). */
const lockWait = (until: Promise<void>) => async () => {
  const attempt = currentWriteAttempt();
  await (attempt ? attempt.race(until) : until);
};

describe('bounded quiesce', () => {
  it('a write stuck in flight is cancelled after the grace, held, and committed once by the owner after the flip', async () => {
    const h = harness();
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const legacy = h.engine('legacy', async () => {
      started();
      await lockWait(never)();
    });
    const handler = phaseAwareHandler({ directory: h.directory, legacy, serviceFor: () => h.engine('service', async () => undefined) });
    let answered = false;
    const answer = handler(call('x.order', 'create')).finally(() => (answered = true));
    await inFlight;
    h.freeze(['M04']);
    // Acknowledged although the write never finished on its own.
    await h.acknowledged('M04');
    expect(await h.cancelledCount()).toBe(1);
    expect(answered).toBe(false);
    expect(h.committed).toEqual([]);
    h.flip(['M04'], 'service');
    expect(await answer).toBe('service');
    expect(h.committed).toEqual(['service: x.order.create']);
  });

  it('a write already committing is waited for, never cancelled or run twice', async () => {
    const h = harness();
    let committing!: () => void;
    const atCommit = new Promise<void>((r) => (committing = r));
    let finishCommit!: () => void;
    const commitDone = new Promise<void>((r) => (finishCommit = r));
    const legacy = h.engine('legacy', async () => undefined, async () => {
      committing();
      await commitDone;
    });
    const handler = phaseAwareHandler({ directory: h.directory, legacy, serviceFor: () => h.engine('service', async () => undefined) });
    const answer = handler(call('x.order', 'write'));
    await atCommit;
    h.freeze(['M04']);
    // Well past the 50 ms grace: still not acknowledged, because the commit is still running.
    await new Promise((r) => setTimeout(r, 300));
    expect(h.acks).toEqual([]);
    finishCommit();
    await h.acknowledged('M04');
    expect(await h.cancelledCount()).toBe(0);
    expect(await answer).toBe('legacy');
    h.flip(['M04'], 'service');
    expect(h.committed).toEqual(['legacy: x.order.write']);
  });

  it("a behaviour's write of another frozen module inside a write in flight (ModelCaller) does not deadlock the freeze: the whole call runs again after the flip, each write once", async () => {
    const h = harness();
    let inside!: () => void;
    const outerStarted = new Promise<void>((r) => (inside = r));
    let resumeBehaviour!: () => void;
    const afterFreeze = new Promise<void>((r) => (resumeBehaviour = r));
    // Both sides' behaviours reach x.grab through the dispatch, as a behaviour's callModel does.
    let internal!: CallHandler;
    const side = (name: string, pauseFirst: boolean) =>
      h.engine(name, async (c) => {
        if (c.model !== 'x.order') return;
        inside();
        if (pauseFirst) await afterFreeze;
        await internal({ ...c, model: 'x.grab', method: 'create' });
      });
    const legacy = side('legacy', true);
    const service = side('service', false);
    internal = phaseAwareHandler({ directory: { ...h.directory, isReadMethod: () => false }, legacy, serviceFor: () => service });
    const handler = phaseAwareHandler({ directory: h.directory, legacy, serviceFor: () => service });
    const answer = handler(call('x.order', 'write'));
    await outerStarted;
    h.freeze(['M04', 'M20']);
    resumeBehaviour();
    // Before: M04's freeze waited for the outer write, which waited for M20's freeze, until the ack timeout.
    await h.acknowledged('M04');
    await h.acknowledged('M20');
    expect(h.committed).toEqual([]);
    h.flip(['M04', 'M20'], 'service');
    expect(await answer).toBe('service');
    expect(h.committed).toEqual(['service: x.grab.create', 'service: x.order.write']);
  });

  it("a behaviour's write of the same module runs in its caller's slot: a freeze cancels the caller, never waits for the nested write", async () => {
    const h = harness();
    let inside!: () => void;
    const outerStarted = new Promise<void>((r) => (inside = r));
    let internal!: CallHandler;
    let nestedRuns = 0;
    const legacy = h.engine('legacy', async (c) => {
      if (c.method === 'create') {
        nestedRuns++;
        return lockWait(never)();
      }
      inside();
      await internal({ ...c, method: 'create' });
    });
    const service = h.engine('service', async (c) => {
      if (c.method !== 'create') await internal({ ...c, method: 'create' });
    });
    internal = phaseAwareHandler({ directory: { ...h.directory, isReadMethod: () => false }, legacy, serviceFor: () => service });
    const handler = phaseAwareHandler({ directory: h.directory, legacy, serviceFor: () => service });
    const answer = handler(call('x.order', 'write'));
    await outerStarted;
    h.freeze(['M04']);
    await h.acknowledged('M04');
    expect(nestedRuns).toBe(1);
    h.flip(['M04'], 'service');
    expect(await answer).toBe('service');
    expect(h.committed).toEqual(['service: x.order.create', 'service: x.order.write']);
  });
});
