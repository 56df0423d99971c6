import { describe, expect, it } from 'vitest';
import { CallAdmission, withoutAdmissionSlot } from '../../../odoo-bridge/admission/call-admission.ts';
import type { CallHandler, OdooCall } from '../../../odoo-bridge/call.ts';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import type { ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import { phaseAwareHandler, type PhaseDirectory } from '../../../odoo-bridge/routing/phase-routing.ts';

/** Fails the test instead of hanging it: a deadlock shows as this error. */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms (deadlock)`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** Counts how many calls run at once inside the handler. */
function concurrencyProbe() {
  let now = 0;
  let max = 0;
  return {
    get max() {
      return max;
    },
    get now() {
      return now;
    },
    async during<T>(work: () => Promise<T>): Promise<T> {
      now++;
      max = Math.max(max, now);
      try {
        return await work();
      } finally {
        now--;
      }
    },
  };
}

const call = (model: string, method: string, uid = 2): OdooCall => ({ database: 'hp_legacy', uid, model, method, args: [], kwargs: {}, transport: 'jsonrpc' });

describe('gateway admission limit', () => {
  it('never runs more than maxConcurrent calls at once; waiting calls run in arrival order', async () => {
    const admission = new CallAdmission('hp_legacy', { maxConcurrent: 3, maxQueued: 100 });
    const probe = concurrencyProbe();
    const started: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => admission.run(() => probe.during(async () => {
      started.push(i);
      await tick(2 + (i % 3));
    }))));
    expect(probe.max).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(admission.snapshot()).toEqual({ running: 0, queued: 0 });
  });

  it("a full queue refuses at once with werkzeug's ServiceUnavailable, and admits again once it drains", async () => {
    const admission = new CallAdmission('hp_legacy', { maxConcurrent: 1, maxQueued: 2 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const admitted = [admission.run(() => gate), admission.run(async () => 'second'), admission.run(async () => 'third')];
    expect(admission.snapshot()).toEqual({ running: 1, queued: 2 });
    const refused = await admission.run(async () => 'fourth').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OdooError);
    expect(refused).toMatchObject({ exceptionName: 'werkzeug.exceptions.ServiceUnavailable' });
    expect((refused as OdooError).message).toMatch(/^503 Service Unavailable: .*\(2 calls to database hp_legacy are already waiting\)/);
    release();
    expect(await Promise.all(admitted)).toEqual([undefined, 'second', 'third']);
    expect(await admission.run(async () => 'again')).toBe('again');
  });

  it('nested calls through a ModelCaller run in the caller\'s slot: a saturated gateway does not deadlock', async () => {
    const admission = new CallAdmission('hp_legacy', { maxConcurrent: 2, maxQueued: 100 });
    const probe = concurrencyProbe();
    // The gateway's entry: every call admitted. A behaviour's ModelCaller that comes back through
    // the same entry (the worst case: the runtime's own callModel goes to the handler directly).
    let entry!: CallHandler;
    const callModel: ModelCaller = (ctx, model, method, args, kwargs = {}) => entry({ database: 'hp_legacy', uid: ctx.uid, model, method, args, kwargs });
    const engine: CallHandler = async (c) => {
      if (c.method === 'action_complete') {
        // One nested call after another, then two at once, as behaviours do.
        await callModel({ uid: c.uid, context: {} } as never, 'hp.points.transaction', 'create', [{}]);
        await Promise.all([
          callModel({ uid: c.uid, context: {} } as never, 'hp.payment', 'read', [[1]]),
          callModel({ uid: c.uid, context: {} } as never, 'hp.service.order', 'write', [[1], {}]),
        ]);
        return true;
      }
      return tick(1);
    };
    entry = (c) => admission.run(() => (c.method === 'action_complete' ? probe.during(() => engine(c)) : engine(c)));
    const outer = Array.from({ length: 12 }, (_, i) => entry(call('hp.service.order', 'action_complete', 10 + i)));
    expect(await within(5000, 'nested calls under saturation', Promise.all(outer))).toEqual(Array(12).fill(true));
    expect(probe.max).toBe(2); // the client calls: two at a time, each with its nested calls in its own slot
    expect(admission.snapshot()).toEqual({ running: 0, queued: 0 });
  });

  describe('writes held by a cutover freeze are not in flight', () => {
    /** A module in phase legacy whose writes the test freezes and releases (the FreezeGate's contract). */
    function frozenModule() {
      let frozen: { released: Promise<void>; release: () => void } | undefined;
      const directory: PhaseDirectory = {
        moduleOfModel: (model) => (model.startsWith('hp.activity') ? 'M19' : model.startsWith('hp.service') ? 'M04' : undefined),
        phaseOf: () => ({ phase: 'legacy', canaryPercent: 0 }),
        isFrozen: (module) => module === 'M19' && frozen !== undefined,
        enterWrite: async (module) => {
          while (module === 'M19' && frozen) await frozen.released;
          return () => undefined;
        },
        isReadMethod: (method) => method === 'read' || method === 'search_read',
      };
      return {
        directory,
        freeze() {
          let release!: () => void;
          frozen = { released: new Promise<void>((r) => (release = r)), release };
        },
        lift() {
          const f = frozen;
          frozen = undefined;
          f?.release();
        },
      };
    }

    it('a freeze holding every write does not block reads, nor count against the queue bound', async () => {
      const admission = new CallAdmission('hp_legacy', { maxConcurrent: 2, maxQueued: 0 });
      const module = frozenModule();
      const probe = concurrencyProbe();
      const legacy: CallHandler = (c) => probe.during(async () => {
        await tick(2);
        return `${c.model}.${c.method}`;
      });
      const handler = phaseAwareHandler({ directory: module.directory, legacy, serviceFor: () => undefined });
      const entry = (c: OdooCall) => admission.run(() => handler(c));

      module.freeze();
      // Arriving one after another, each finds a free slot (the queue bound is 0), then waits for the freeze without it.
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 6; i++) {
        writes.push(entry(call('hp.activity', 'create')));
        await tick(2);
      }
      expect(admission.snapshot()).toEqual({ running: 0, queued: 0 });
      const reads = await within(2000, 'reads during a freeze', Promise.all(Array.from({ length: 2 }, () => entry(call('hp.activity', 'search_read')))));
      expect(reads).toEqual(['hp.activity.search_read', 'hp.activity.search_read']);
      const otherModule = await within(2000, 'another module\'s write during a freeze', entry(call('hp.service.order', 'write')));
      expect(otherModule).toBe('hp.service.order.write');

      module.lift();
      expect(await within(2000, 'held writes after the freeze', Promise.all(writes))).toEqual(Array(6).fill('hp.activity.create'));
      // Taken back one slot at a time: still never more than the limit at once.
      expect(probe.max).toBeLessThanOrEqual(2);
      expect(admission.snapshot()).toEqual({ running: 0, queued: 0 });
    });

    it('held writes take their slots back ahead of newly arrived calls', async () => {
      const admission = new CallAdmission('hp_legacy', { maxConcurrent: 1, maxQueued: 100 });
      const module = frozenModule();
      const order: string[] = [];
      const legacy: CallHandler = async (c) => {
        order.push(`${c.model}.${c.method}#${c.uid}`);
        await tick(2);
        return null;
      };
      const handler = phaseAwareHandler({ directory: module.directory, legacy, serviceFor: () => undefined });
      const entry = (c: OdooCall) => admission.run(() => handler(c));
      module.freeze();
      const held = [entry(call('hp.activity', 'create', 1)), entry(call('hp.activity', 'write', 2))];
      await tick(10);
      let blockRelease!: () => void;
      const blocker = admission.run(() => new Promise<void>((r) => (blockRelease = r))); // holds the one slot
      const later = [entry(call('hp.activity', 'search_read', 3)), entry(call('hp.service.order', 'read', 4))];
      await tick(5);
      module.lift();
      await tick(5);
      blockRelease();
      await within(2000, 'the drain', Promise.all([...held, ...later, blocker]));
      expect(order).toEqual(['hp.activity.create#1', 'hp.activity.write#2', 'hp.activity.search_read#3', 'hp.service.order.read#4']);
    });

    it('a nested write into a frozen module sets its caller\'s slot aside: other calls go on', async () => {
      const admission = new CallAdmission('hp_legacy', { maxConcurrent: 1, maxQueued: 100 });
      const module = frozenModule();
      let entry!: CallHandler;
      // The runtime's system-of-record handler for behaviours: the same phase-aware dispatch.
      let internal!: CallHandler;
      const legacy: CallHandler = async (c) => {
        if (c.method === 'action_complete') return internal({ ...c, model: 'hp.activity', method: 'create', transport: undefined as never });
        return `${c.model}.${c.method}`;
      };
      internal = phaseAwareHandler({ directory: module.directory, legacy, serviceFor: () => undefined });
      const handler = phaseAwareHandler({ directory: module.directory, legacy, serviceFor: () => undefined });
      entry = (c) => admission.run(() => handler(c));
      module.freeze();
      const outer = entry(call('hp.service.order', 'action_complete'));
      await tick(10);
      expect(admission.snapshot()).toEqual({ running: 0, queued: 0 });
      expect(await within(2000, 'a read beside a held nested write', entry(call('hp.service.order', 'read')))).toBe('hp.service.order.read');
      module.lift();
      expect(await within(2000, 'the outer call after the freeze', outer)).toBe('hp.activity.create');
    });
  });

  it('outside an admitted call, setting the slot aside just runs the work', async () => {
    expect(await withoutAdmissionSlot(async () => 42)).toBe(42);
  });
});

describe('a behaviour\'s write inside a write of the same module, while a freeze begins', () => {
  it('runs as part of its outer write (already in flight) instead of waiting for a freeze that waits for the outer write', async () => {
    // The FreezeGate's contract: a freeze is acknowledged (and here, for the test, lifted) only once no write is in flight.
    let inFlight = 0;
    let frozen: { released: Promise<void>; release: () => void } | undefined;
    const liftWhenIdle = () => {
      if (inFlight === 0 && frozen) {
        const f = frozen;
        frozen = undefined;
        f.release();
      }
    };
    const directory: PhaseDirectory = {
      moduleOfModel: (model) => (model.startsWith('hp.service') ? 'M04' : undefined),
      phaseOf: () => ({ phase: 'legacy', canaryPercent: 0 }),
      isFrozen: () => frozen !== undefined,
      enterWrite: async () => {
        while (frozen) await frozen.released;
        inFlight++;
        return () => {
          inFlight--;
          liftWhenIdle();
        };
      },
      isReadMethod: (method) => method === 'read',
    };
    let handler!: CallHandler;
    const legacy: CallHandler = async (c) => {
      if (c.method !== 'action_complete') return true;
      // The cutover freezes M04 while this write runs; its behaviour then writes M04 again (a nested ModelCaller call).
      let release!: () => void;
      frozen = { released: new Promise<void>((r) => (release = r)), release };
      return handler(call('hp.service.order', 'write', c.uid));
    };
    handler = phaseAwareHandler({ directory, legacy, serviceFor: () => undefined });
    expect(await within(3000, 'nested write under a freeze', handler(call('hp.service.order', 'action_complete')) as Promise<unknown>)).toBe(true);
    // The freeze was acknowledged once the outer write ended, and a new write waits for it no more.
    expect(frozen).toBeUndefined();
    expect(await within(1000, 'a later write', handler(call('hp.service.order', 'write')) as Promise<unknown>)).toBe(true);
  });
});
