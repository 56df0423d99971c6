import os from 'node:os';
import pg from 'pg';
import { runCutoverTogether, runServiceRollbackTogether, type CutoverOptions, type CutoverResult } from './cutover.ts';
import type { ControlEndpoints } from './endpoints.ts';
import { DEFAULT_THRESHOLDS, runGates, type Gate, type GateContext, type GateThresholds } from './gates/gate.ts';
import { backfillComplete, forwardLag, reverseLag, STEP_GATES } from './gates/gates.ts';
import { legacyBusinessMethods } from './gates/business-methods.ts';
import { couplingOf } from './coupled-modules.ts';
import type { ServiceRoster } from '../../services/catalog.ts';
import { findPlan, forwardSlot, loadModulePlans, modulePlans, movableService, reverseSlot, serviceTakingOver, type ModulePlan } from './module-plan.ts';
import { STEP_FROM, type Phase, type StepName } from './phases.ts';
import { phaseSignalFor, type PhaseSignal } from './phase-signal.ts';
import { recoverInterruptedCutovers } from './recovery.ts';
import { alignWriteOwner } from './service-write-gate.ts';
import { readCutovers, type CutoverRow } from './store/cutover-journal.ts';
import { ensureControlSchema } from './store/control-schema.ts';
import { readPhase, readTransitions, recordTransition, type GateOutcome, type ModulePhase, type StoredTransition } from './store/phase-store.ts';
import { requestSync } from './store/sync-store.ts';
import { readShadowStats, resetShadowStats, type ShadowStatRow } from './shadow/shadow-stats.ts';
import { describeParked, summariseParked, type ParkedSummary } from '../../cdc/apply/parked-changes.ts';
import { syncSource } from './sync/sync-source.ts';

export interface StepOptions {
  actor?: string;
  reason?: string;
  force?: boolean;
  thresholds?: Partial<GateThresholds>;
  /** Test hook for crash drills (see cutover.ts). */
  stallAfter?: string;
  /**
   * How long a cutover or rollback waits for every live gateway to acknowledge its freeze before
   * it aborts (default 2 s); a drill on a loaded machine gives the gateways longer.
   */
  ackTimeoutMs?: number;
  /**
   * How long gateways hold writes for a cutover or rollback before they release them to the old
   * phase (default 5 s, cutover.ts): a drill on a loaded machine, whose freeze steps each wait for
   * the CPU, gives the freeze longer instead of aborting it.
   */
  leaseMs?: number;
  /**
   * How long the freeze lets writes in flight finish before cancelling the ones not yet committing
   * (FICUS_FREEZE_GRACE_MS, default 250 ms): the service's own REST writes are held with the same
   * grace as the gateways give the RPC writes.
   */
  freezeGraceMs?: number;
}

export interface StepResult {
  ok: boolean;
  module: string;
  step: StepName;
  from: Phase;
  to: Phase;
  gates: GateOutcome[];
  forced: boolean;
  message: string;
  cutover?: CutoverResult;
}

export class GateRefusal extends Error {
  constructor(readonly result: StepResult) {
    super(result.message);
    this.name = 'GateRefusal';
  }
}

export interface StatusReport {
  module: string;
  title: string;
  service: string;
  phase: ModulePhase;
  recovered: string[];
  sync: {
    backfill: GateOutcome;
    forwardLag: GateOutcome;
    reverseLag: GateOutcome;
    pendingCommands: number | null;
    /** Changes a side refused and the sync parked there (cdc/apply/parked-changes.ts): not lost, not applied yet. */
    parked: { forward: ParkedSummary[]; reverse: ParkedSummary[] };
  };
  shadow: ShadowStatRow[];
  transitions: StoredTransition[];
  cutovers: CutoverRow[];
}

export interface PlanReport {
  module: string;
  technicalName: string;
  service: string;
  models: { model: string; table: string }[];
  tables: string[];
  referencesOut: string[];
  referencesIn: string[];
  businessMethods: { method: string; provided: boolean }[];
}

/**
 * The migration team's operations on one module (what `ficus migrate …` runs): each step checks
 * its gates, refuses on a failing one unless forced with a reason, and records the transition
 * (who, when, why, forced, every gate's result). Any process may run it: gateways learn the
 * result through the control database.
 */
export class MigrationController {
  readonly control: pg.Pool;
  readonly legacy: pg.Pool;
  readonly #services = new Map<string, pg.Pool>();
  #signal: PhaseSignal | undefined;
  readonly #roster: ServiceRoster | undefined;
  #plans: Promise<Map<string, ModulePlan>> | undefined;

  private constructor(readonly endpoints: ControlEndpoints, services?: ServiceRoster) {
    this.#roster = services;
    this.control = new pg.Pool({ connectionString: endpoints.controlUrl, max: 4, application_name: 'ficus_migrate' });
    this.legacy = new pg.Pool({ connectionString: endpoints.legacyUrl, max: 4, application_name: 'ficus_migrate' });
    for (const pool of [this.control, this.legacy]) pool.on('error', () => undefined);
  }

  /** `services` replaces services/catalog.ts (a test's own service definitions). */
  static async open(endpoints: ControlEndpoints, options: { services?: ServiceRoster } = {}): Promise<MigrationController> {
    const controller = new MigrationController(endpoints, options.services);
    await ensureControlSchema(controller.control);
    return controller;
  }

  /** Redis subscribers learn of the change too (PostgreSQL listeners got the NOTIFY at commit). */
  async #announce(module: string): Promise<void> {
    this.#signal ??= phaseSignalFor(this.endpoints.controlUrl, this.endpoints.redisUrl);
    await this.#signal.publish(module).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.#signal?.close();
    await Promise.all([this.control.end(), this.legacy.end(), ...[...this.#services.values()].map((p) => p.end())]);
  }

  servicePool(service: string): pg.Pool {
    let pool = this.#services.get(service);
    if (!pool) {
      pool = new pg.Pool({ connectionString: this.endpoints.serviceUrlFor(service), max: 4, application_name: 'ficus_migrate' });
      pool.on('error', () => undefined);
      this.#services.set(service, pool);
    }
    return pool;
  }

  /** Every module's plan: the legacy database's registry with the services' definitions. */
  plans(): Promise<Map<string, ModulePlan>> {
    if (!this.#roster) return modulePlans(this.legacy);
    this.#plans ??= loadModulePlans(this.legacy, this.#roster);
    return this.#plans;
  }

  async plan(module: string): Promise<ModulePlan> {
    return findPlan(await this.plans(), module);
  }

  #gateContext(plan: ModulePlan, thresholds?: Partial<GateThresholds>): GateContext {
    return {
      plan,
      control: this.control,
      legacy: this.legacy,
      legacyUrl: this.endpoints.legacyUrl,
      service: this.servicePool(plan.service),
      serviceUrl: this.endpoints.serviceUrlFor(plan.service),
      thresholds: { ...DEFAULT_THRESHOLDS, ...thresholds },
      addonsPath: this.endpoints.addonsPath,
      providedMethods: movableService(plan)?.odoo.businessMethods ?? {},
    };
  }

  async planReport(module: string): Promise<PlanReport> {
    const plan = await this.plan(module);
    const legacy = await legacyBusinessMethods(this.endpoints.addonsPath, plan.technicalName).catch(() => new Map<string, string[]>());
    const provided = movableService(plan)?.odoo.businessMethods ?? {};
    return {
      module: plan.code,
      technicalName: plan.technicalName,
      service: plan.service,
      models: plan.models,
      tables: plan.tables,
      referencesOut: plan.module.referencesOut.map((r) => `${r.fromModel}.${r.field} → ${r.toModel} (${r.toModule})`),
      referencesIn: plan.module.referencesIn.map((r) => `${r.fromModel}.${r.field} (${r.fromModule}) → ${r.toModel}`),
      businessMethods: [...legacy].flatMap(([model, methods]) => methods.map((m) => ({ method: `${model}.${m}`, provided: provided[model]?.includes(m) ?? false }))),
    };
  }

  async status(module: string): Promise<StatusReport> {
    const plan = await this.plan(module);
    const recovered = await this.#recover([plan]);
    const ctx = this.#gateContext(plan);
    const [phase, backfill, fwd, rev, shadow, transitions, cutovers] = await Promise.all([
      readPhase(this.control, plan.code),
      backfillComplete.check(ctx).catch((e) => ({ gate: 'backfill complete', ok: false, detail: (e as Error).message })),
      forwardLag.check(ctx).catch((e) => ({ gate: 'forward sync lag', ok: false, detail: (e as Error).message })),
      reverseLag.check(ctx).catch((e) => ({ gate: 'reverse sync lag', ok: false, detail: (e as Error).message })),
      readShadowStats(this.control, plan.code),
      readTransitions(this.control, plan.code, 10),
      readCutovers(this.control, plan.code, 5),
    ]);
    const pending = await ctx.service
      .query<{ n: number }>('SELECT count(*)::int AS n FROM ficus_cdc.legacy_command WHERE done_at IS NULL')
      .then((r) => r.rows[0]?.n ?? 0)
      .catch(() => null);
    const [parkedForward, parkedReverse] = await Promise.all([
      summariseParked(ctx.service, syncSource('forward', plan.code)).catch(() => []),
      summariseParked(ctx.legacy, syncSource('reverse', plan.code)).catch(() => []),
    ]);
    return {
      module: plan.code, title: plan.module.title, service: plan.service, phase, recovered,
      sync: {
        backfill, forwardLag: withParked(fwd, parkedForward), reverseLag: withParked(rev, parkedReverse), pendingCommands: pending,
        parked: { forward: parkedForward, reverse: parkedReverse },
      },
      shadow, transitions, cutovers,
    };
  }

  /**
   * Asks the running Ficus (its sync supervisor) to start the module's readers; the forward
   * reader's snapshot is the backfill. Waits for it when `wait` is set, reporting progress.
   */
  async backfill(module: string, options: StepOptions & { waitMs?: number; onProgress?: (p: { copied: number; total: number }) => void } = {}): Promise<StepResult> {
    await recoverInterruptedCutovers(this.control);
    const plan = await this.plan(module);
    serviceTakingOver(plan);
    const phase = await readPhase(this.control, plan.code);
    this.#assertFrom('backfill', phase.phase, plan.code);
    await requestSync(this.control, plan.code, actorOf(options));
    await this.control.query('SELECT pg_notify($1, $2)', ['ficus_sync_request', plan.code]);
    await this.#announce(plan.code);
    const ctx = this.#gateContext(plan, options.thresholds);
    const deadline = Date.now() + (options.waitMs ?? 0);
    // Done means what the answer says: the rows copied and the forward sync streaming (its reader
    // connects to the slot once the copy is over; the next step's lag gate needs it connected).
    const check = async () => {
      const copied = await backfillComplete.check(ctx);
      return copied.ok ? [copied, await forwardLag.check(ctx)] : [copied];
    };
    let gates = await check();
    while (!gates.every((g) => g.ok) && Date.now() < deadline) {
      options.onProgress?.(await this.#backfillProgress(plan));
      await new Promise((r) => setTimeout(r, 200));
      gates = await check();
    }
    const gate = gates.find((g) => !g.ok) ?? gates[0]!;
    if (gate.ok) options.onProgress?.(await this.#backfillProgress(plan));
    return {
      ok: gate.ok, module: plan.code, step: 'backfill', from: phase.phase, to: phase.phase, gates, forced: false,
      message: gate.ok ? `${plan.code} backfilled into ${plan.service}; forward sync streaming`
        : gates.length > 1 ? `${plan.code} backfilled into ${plan.service}; forward sync not caught up yet (${gate.detail})`
        : `backfill of ${plan.code} requested; a running Ficus (ficus start) performs it`,
    };
  }

  async #backfillProgress(plan: ModulePlan): Promise<{ copied: number; total: number }> {
    const count = async (pool: pg.Pool) => {
      let n = 0;
      for (const t of plan.tables) n += Number((await pool.query(`SELECT count(*) AS n FROM public."${t}"`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0]?.n ?? 0);
      return n;
    };
    return { copied: await count(this.servicePool(plan.service)), total: await count(this.legacy) };
  }

  shadow(module: string, options: StepOptions = {}): Promise<StepResult> {
    return this.#step(module, 'shadow', options, async (_plan, from) => ({ to: from === 'canary' ? 'shadow' : 'shadow', canaryPercent: 0, resetShadow: from === 'legacy' }));
  }

  canary(module: string, percent: number, options: StepOptions = {}): Promise<StepResult> {
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new Error('canary percent must be a whole number 1–100');
    return this.#step(module, 'canary', options, async () => ({ to: 'canary', canaryPercent: percent }));
  }

  cutover(module: string, options: StepOptions = {}): Promise<StepResult> {
    return this.#step(module, 'cutover', options, this.#cutoverTarget);
  }

  /** One step back: service → the phase the cutover came from; canary → shadow; shadow → legacy. */
  rollback(module: string, options: StepOptions = {}): Promise<StepResult> {
    return this.#step(module, 'rollback', options, this.#rollbackTarget);
  }

  retire(module: string, options: StepOptions = {}): Promise<StepResult> {
    return this.#step(module, 'retire', options, async () => ({ to: 'retired', canaryPercent: 0 }));
  }

  async #lastCanaryPercent(module: string): Promise<number> {
    const t = (await readTransitions(this.control, module, 50)).find((x) => x.to === 'canary' && x.canaryPercent);
    return t?.canaryPercent ?? 0;
  }

  #assertFrom(step: StepName, phase: Phase, module: string): void {
    if (!STEP_FROM[step].includes(phase)) throw new Error(`${step} is not possible from phase ${phase} of ${module} (possible from: ${STEP_FROM[step].join(', ')})`);
  }

  /**
   * A cutover or a rollback of modules whose models write each other's tables, in one freeze and
   * one flip (cutover.ts runCutoverTogether): M04 + M20. Each module's gates run and are recorded
   * as for a step of its own; one refused gate refuses the whole step.
   */
  async together(step: 'cutover' | 'rollback', modules: string[], options: StepOptions = {}): Promise<StepResult[]> {
    const plans = await Promise.all(modules.map((m) => this.plan(m)));
    await this.#recover(plans);
    const codes = plans.map((p) => p.code);
    if (new Set(codes).size !== codes.length) throw new Error(`${step}: a module is named twice (${codes.join(', ')})`);
    const prepared = [];
    for (const module of codes) {
      const p = await this.#prepare(module, step, options, step === 'cutover' ? this.#cutoverTarget : this.#rollbackTarget, codes);
      if (!p.cutoverOptions) throw new Error(`${step} of ${p.result.module} from ${p.result.from} changes no owner: step it alone`);
      prepared.push(p as typeof p & { cutoverOptions: CutoverOptions });
    }
    const run = step === 'cutover' ? runCutoverTogether : runServiceRollbackTogether;
    const cutovers = await run(prepared.map((p) => p.cutoverOptions));
    for (const p of prepared) await this.#announce(p.result.module);
    return prepared.map((p, i) => ({ ...p.result, cutover: cutovers[i]!, message: `${p.result.module}: ${p.result.from} → ${p.result.to} (with ${modules.filter((m) => m !== p.result.module).join(', ')}; writes held ${cutovers[i]!.freezeMs} ms)` }));
  }

  readonly #cutoverTarget = async (): Promise<StepTarget> => ({ to: 'service', canaryPercent: 0, ownershipChange: 'cutover' });

  readonly #rollbackTarget = async (plan: ModulePlan, from: Phase): Promise<StepTarget> => {
    if (from === 'service') {
      const last = (await readTransitions(this.control, plan.code, 50)).find((t) => t.step === 'cutover' && t.to === 'service');
      const to = last && (last.from === 'shadow' || last.from === 'canary') ? last.from : 'shadow';
      return { to, canaryPercent: to === 'canary' ? (last?.canaryPercent ?? (await this.#lastCanaryPercent(plan.code))) : 0, ownershipChange: 'rollback' };
    }
    return { to: from === 'canary' ? 'shadow' : 'legacy', canaryPercent: 0 };
  };

  /** Phase, gates, force and reason checked; what the step would do, not done yet. */
  async #prepare(module: string, step: StepName, options: StepOptions, target: (plan: ModulePlan, from: Phase) => Promise<StepTarget>, inSameStep: readonly string[] = []) {
    const plan = await this.plan(module);
    serviceTakingOver(plan);
    const current = await readPhase(this.control, plan.code);
    this.#assertFrom(step, current.phase, plan.code);
    if (current.freeze && current.freeze.until.getTime() > Date.now()) throw new Error(`${plan.code} is frozen by a cutover or rollback in progress`);
    const { to, canaryPercent, ownershipChange, resetShadow } = await target(plan, current.phase);
    const gates: readonly Gate[] = step === 'rollback' ? (current.phase === 'service' ? STEP_GATES.rollback : []) : STEP_GATES[step];
    const outcomes = await runGates(gates, this.#gateContext(plan, options.thresholds));
    if (ownershipChange) outcomes.push(await this.#couplingGate(plan, ownershipChange, inSameStep));
    const failing = outcomes.filter((g) => !g.ok);
    const forced = failing.length > 0;
    const base = { module: plan.code, step, from: current.phase, to, gates: outcomes, forced };
    if (forced && !options.force) {
      throw new GateRefusal({ ...base, ok: false, forced: false, message: `${step} of ${plan.code} refused: ${failing.map((g) => `${g.gate} (${g.detail})`).join('; ')}. Fix it, or pass --force --reason "…"` });
    }
    if (forced && !options.reason?.trim()) throw new Error('--force needs --reason "…" (it is recorded with the transition)');
    const record = { actor: actorOf(options), reason: options.reason?.trim() || null, forced, gates: outcomes };
    const cutoverOptions: CutoverOptions | undefined = ownershipChange
      ? {
          plan, control: this.control, legacy: this.legacy, service: this.servicePool(plan.service),
          from: current.phase, to, canaryPercent, version: current.version, ...record,
          ...(options.stallAfter ? { stallAfter: options.stallAfter } : {}),
          ...(options.ackTimeoutMs ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
          ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
          ...(options.freezeGraceMs !== undefined ? { freezeGraceMs: options.freezeGraceMs } : {}),
        }
      : undefined;
    return { plan, current, to, canaryPercent, ownershipChange, resetShadow, record, cutoverOptions, result: { ...base, ok: true } };
  }

  /**
   * A module whose models and a sibling module's reference each other changes owner only in the
   * same step as that sibling (coupled-modules.ts), unless the sibling is already on that side.
   */
  async #couplingGate(plan: ModulePlan, change: 'cutover' | 'rollback', inSameStep: readonly string[]): Promise<GateOutcome> {
    const gate = 'coupled modules move together';
    const coupling = couplingOf(await this.plans(), plan.code);
    const toService = change === 'cutover';
    const apart: string[] = [];
    for (const other of coupling.modules) {
      if (other === plan.code || inSameStep.includes(other)) continue;
      const { phase } = await readPhase(this.control, other);
      if ((phase === 'service' || phase === 'retired') !== toService) apart.push(`${other} (${phase})`);
    }
    if (!apart.length) return { gate, ok: true, detail: coupling.modules.length > 1 ? `${coupling.modules.join(' + ')} in one freeze` : 'no coupled module' };
    return {
      gate, ok: false,
      detail: `${plan.code} is tied to ${apart.join(', ')} by ${coupling.links.join('; ')}: run \`ficus migrate ${change} ${coupling.modules.join(' ')}\``,
    };
  }

  /** Cutovers whose process died, then the REST-write owners of `plans` (a step stopped between its two commits). */
  async #recover(plans: readonly ModulePlan[]): Promise<string[]> {
    const notes = await recoverInterruptedCutovers(this.control);
    for (const plan of plans) {
      if (!movableService(plan)) continue; // never left Odoo: no owner row to align
      const repaired = await alignWriteOwner(this.control, this.servicePool(plan.service), plan.code).catch(() => null);
      if (repaired) notes.push(repaired);
    }
    return notes;
  }

  async #step(module: string, step: StepName, options: StepOptions, target: (plan: ModulePlan, from: Phase) => Promise<StepTarget>): Promise<StepResult> {
    await this.#recover([await this.plan(module)]);
    const { plan, current, to, canaryPercent, ownershipChange, resetShadow, record, cutoverOptions, result } = await this.#prepare(module, step, options, target);
    if (cutoverOptions) {
      const [cutover] = await (ownershipChange === 'cutover' ? runCutoverTogether : runServiceRollbackTogether)([cutoverOptions]);
      await this.#announce(plan.code);
      return { ...result, cutover: cutover!, message: `${plan.code}: ${current.phase} → ${to} (writes held ${cutover!.freezeMs} ms)` };
    }
    const client = await this.control.connect();
    try {
      await client.query('BEGIN');
      await recordTransition(client, { module: plan.code, step, from: current.phase, to, canaryPercent, ...record }, current.version || undefined);
      if (resetShadow) await resetShadowStats(client, plan.code);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    await this.#announce(plan.code);
    return { ...result, message: `${plan.code}: ${current.phase} → ${to}${to === 'canary' ? ` ${canaryPercent} %` : ''}${record.forced ? ' (forced)' : ''}` };
  }
}

interface StepTarget {
  to: Phase;
  canaryPercent: number;
  ownershipChange?: 'cutover' | 'rollback';
  resetShadow?: boolean;
}

function actorOf(options: StepOptions): string {
  return options.actor ?? process.env.FICUS_ACTOR ?? `${os.userInfo().username}@${os.hostname()}`;
}

export { forwardSlot, reverseSlot };

/** A sync with parked changes is not keeping the other side true, however small its lag: status says so. */
function withParked(gate: GateOutcome, parked: readonly ParkedSummary[]): GateOutcome {
  return parked.length ? { ...gate, ok: false, detail: `${gate.detail}; ${describeParked(parked)}` } : gate;
}
