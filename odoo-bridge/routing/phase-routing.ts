import { AsyncLocalStorage } from 'node:async_hooks';
import { withoutAdmissionSlot } from '../admission/call-admission.ts';
import { currentWriteAttempt, runInWriteAttempt, WriteAttempt } from '../orm/write/write-attempt.ts';
import type { CallHandler, OdooCall } from '../call.ts';
import type { UpstreamOdoo } from '../proxy/upstream-odoo.ts';
import { inCanary } from './canary.ts';
import type { CallRouter, RouteDecision, RouteQuery } from './call-router.ts';

export type ModulePhaseName = 'legacy' | 'shadow' | 'canary' | 'service' | 'retired';

/** What routing needs from the migration control plane (migration/control implements it). */
export interface PhaseDirectory {
  moduleOfModel(model: string): string | undefined;
  phaseOf(module: string): { phase: ModulePhaseName; canaryPercent: number };
  isFrozen(module: string): boolean;
  /**
   * Waits while the module's writes are frozen; the returned function ends the write. With an
   * attempt, the write in flight may be cancelled by a freeze (write-attempt.ts), and the wait
   * itself ends with WriteCancelled when the attempt is cancelled meanwhile (a behaviour's write
   * inside a write of another frozen module).
   */
  enterWrite(module: string, attempt?: WriteAttempt): Promise<() => void>;
  isReadMethod(method: string): boolean;
}

export interface ShadowSink {
  submit(job: { module: string; call: OdooCall; legacyAnswer: unknown; legacy: CallHandler; service: CallHandler }): void;
}

export interface PhaseRoutingOptions {
  directory: PhaseDirectory;
  /** The upstream Odoo (LEGACY_ODOO_URL), for modules in phase legacy and for models of no module. */
  upstream?: UpstreamOdoo;
  /** Answers from the legacy tables (ORM engine over the legacy database). */
  legacy: CallHandler;
  /** The owning service's handler for a module (ORM engine over its database). */
  serviceFor(module: string): CallHandler | undefined;
  shadow?: ShadowSink;
}

/**
 * The phase-aware routing function. Model calls of a module past `legacy` are answered by
 * Ficus (the handler below picks legacy tables or the service per call); a module in
 * `legacy` goes to the upstream Odoo when there is one. Write calls routed upstream are held
 * here during a freeze (the handler holds the ones it answers itself), and counted in flight
 * until the upstream answered, so a freeze acknowledgement means "no write of this module is
 * still running through this gateway".
 */
export function phaseAwareRouter(options: PhaseRoutingOptions): CallRouter {
  const { directory, upstream } = options;
  const passThrough: RouteDecision = upstream ? { kind: 'upstream', upstream } : { kind: 'local' };
  /**
   * Ficus answers a module past `legacy`; what it cannot run exactly, the upstream Odoo answers
   * while the legacy tables are the system of record (shadow, canary), and for reads in phase
   * service (Odoo reads the reverse-synced tables). A write of a module in service must not go
   * to Odoo (it would write tables the service owns), and a retired module has no Odoo.
   */
  const localWithFallback = (phase: ModulePhaseName, method: string | undefined): RouteDecision => {
    const odooMayAnswer = upstream && (phase === 'shadow' || phase === 'canary' || (phase === 'service' && method !== undefined && directory.isReadMethod(method)));
    return odooMayAnswer ? { kind: 'local', fallback: upstream } : { kind: 'local' };
  };
  return (query: RouteQuery): RouteDecision | Promise<RouteDecision> => {
    if (!upstream) return passThrough;
    const module = query.model ? directory.moduleOfModel(query.model) : undefined;
    if (!module) return passThrough;
    const phase = directory.phaseOf(module).phase;
    if (phase !== 'legacy') return localWithFallback(phase, query.method);
    if (!query.method || directory.isReadMethod(query.method)) return passThrough;
    return directory.enterWrite(module).then((leave) => {
      // The freeze may have flipped the phase while this call waited.
      const now = directory.phaseOf(module).phase;
      if (now !== 'legacy') {
        leave();
        return localWithFallback(now, query.method);
      }
      return { kind: 'upstream', upstream: trackedUpstream(upstream, leave) } as const;
    });
  };
}

function trackedUpstream(upstream: UpstreamOdoo, leave: () => void): UpstreamOdoo {
  return {
    ...upstream,
    async forward(req, res) {
      try {
        return await upstream.forward(req, res);
      } finally {
        leave();
      }
    },
  } as UpstreamOdoo;
}

/**
 * The call handler of a served database under migration: per module phase, `legacy` answers
 * from the legacy tables; `shadow` answers from legacy and has reads compared with the
 * service off the hot path (writes go to legacy only, never twice); `canary` answers the
 * reads of a sticky share of users from the service, every write from legacy (legacy stays
 * the system of record until cutover; the forward sync carries the write to the service);
 * `service`/`retired` answer from the service.
 */
export function phaseAwareHandler(options: PhaseRoutingOptions): CallHandler {
  const { directory, legacy } = options;
  return async (call) => {
    const module = directory.moduleOfModel(call.model);
    if (!module) return legacy(call);
    const read = directory.isReadMethod(call.method);
    const outer = writesInProgress.getStore();
    // A write made by a behaviour inside a write of the same module is part of it: it is already
    // in flight, and waiting for a freeze that waits for its outer call would never end.
    const nested = !read && (outer?.has(module) ?? false);
    const answer = () => answerByPhase(options, module, call, read);
    if (read || nested) return answer();
    const holding = new Set([...(outer ?? []), module]);
    // A behaviour's write of another module belongs to its caller's attempt: cancelling one cancels
    // the whole call, which only the handler that started the attempt sends round again.
    const inherited = currentWriteAttempt();
    for (;;) {
      const attempt = inherited ?? new WriteAttempt();
      // A write held by a freeze waits without its admission slot: held writes are not in flight.
      const leave = directory.isFrozen(module) ? await withoutAdmissionSlot(() => directory.enterWrite(module, attempt)) : await directory.enterWrite(module, attempt);
      try {
        return await writesInProgress.run(holding, () => (inherited ? answer() : runInWriteAttempt(attempt, answer)));
      } catch (error) {
        // Cancelled by a freeze before anything of it committed: rolled back. Held until the freeze
        // lifts, then answered by the phase in force then, as if it had arrived a moment later.
        if (inherited || attempt.state !== 'cancelled') throw error;
      } finally {
        leave();
      }
    }
  };
}

/** The modules whose write slot the current call (and the behaviour calls it makes) holds. */
const writesInProgress = new AsyncLocalStorage<ReadonlySet<string>>();

async function answerByPhase(options: PhaseRoutingOptions, module: string, call: OdooCall, read: boolean): Promise<unknown> {
  const { directory, legacy } = options;
  const { phase, canaryPercent } = directory.phaseOf(module);
  const service = phase === 'legacy' ? undefined : options.serviceFor(module);
  if (!service) return legacy(call);
  switch (phase) {
    case 'service':
    case 'retired':
      return service(call);
    case 'canary':
      if (read && inCanary(module, call.uid, canaryPercent)) return service(call);
      return answerWithShadow(options, module, call, read, service);
    case 'shadow':
      return answerWithShadow(options, module, call, read, service);
    default:
      return legacy(call);
  }
}

async function answerWithShadow(options: PhaseRoutingOptions, module: string, call: OdooCall, read: boolean, service: CallHandler): Promise<unknown> {
  const answer = await options.legacy(call);
  if (read && options.shadow) options.shadow.submit({ module, call, legacyAnswer: answer, legacy: options.legacy, service });
  return answer;
}
