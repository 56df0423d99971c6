import type pg from 'pg';
import { Counter, Histogram, type Registry as MetricsRegistry } from 'prom-client';
import type { CallHandler, OdooCall, ServedDatabase } from '../../../odoo-bridge/call.ts';
import type { CallRouter, RouteDecision, RouteQuery } from '../../../odoo-bridge/routing/call-router.ts';
import { loadRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { ModulePlan } from '../module-plan.ts';
import { reverseSlot } from '../module-plan.ts';
import { AppliedPosition } from '../shadow/applied-position.ts';
import { LegacyPositions } from '../shadow/legacy-position.ts';
import { tablesReadBy } from './call-footprint.ts';
import { tablesNamedByWrite } from './write-references.ts';

export interface ReadYourWritesOptions {
  plans: ReadonlyMap<string, ModulePlan>;
  phaseOf(module: string): { phase: string };
  isReadMethod(method: string): boolean;
  /** The legacy database, where each reverse reader keeps its checkpoint: a small pool of its own. */
  legacyPositionPool: pg.Pool;
  /** A service's database, for its WAL markers: a small pool of its own. */
  servicePositionPool(service: string): pg.Pool;
  metrics: MetricsRegistry;
  /** Longest hold of one call (default 2 s); then it is answered anyway, counted as `behind`. */
  waitMs?: number;
  /** Poll period of a reverse reader's checkpoint while calls wait on it. */
  pollMs?: number;
}

type Outcome = 'caught_up' | 'behind' | 'failed';

/**
 * Read-your-writes across the cut. Once a module is in phase `service` its tables in the legacy
 * database are a copy the reverse sync fills a moment after the service commits; a legacy-side
 * read over them (res.users.points_balance over points_transactions, a many2one into a migrated
 * model, a domain through one) would answer what the service held a moment ago — a client that
 * just sent a gift would read its old balance. So before the legacy engine answers such a read,
 * it waits (at most `waitMs`, then answers anyway and counts it) until each such module's
 * reverse reader has applied everything its service had committed when the call arrived: a WAL
 * marker written in the service database after the call's arrival (shared by concurrent calls,
 * shadow/legacy-position.ts) and the reverse reader's checkpoint in the legacy database at or
 * past it (one poll for every waiting call, shadow/applied-position.ts).
 *
 * A call whose tables belong to no module in phase `service` is decided from its model, fields
 * and domain alone (call-footprint.ts) and answered at once, with no query of its own.
 */
export class ReadYourWrites {
  readonly #moduleOfTable = new Map<string, string>();
  readonly #markers = new Map<string, LegacyPositions>();
  readonly #applied = new Map<string, AppliedPosition>();
  readonly #calls: Counter;
  readonly #wait: Histogram;
  readonly #positionQueries: Counter;
  /** Connections taken for position work (markers and checkpoint polls): what the rule cost in queries. */
  positionQueries = 0;

  constructor(private readonly o: ReadYourWritesOptions) {
    for (const plan of o.plans.values()) for (const table of plan.tables) this.#moduleOfTable.set(table, plan.code);
    const existing = <T>(name: string) => o.metrics.getSingleMetric(name) as T | undefined;
    this.#calls =
      existing<Counter>('ficus_read_your_writes_calls_total') ??
      new Counter({ name: 'ficus_read_your_writes_calls_total', help: 'Legacy-side reads of tables owned by a service, held until the reverse sync applied the service’s position, by outcome', labelNames: ['outcome'], registers: [o.metrics] });
    this.#wait =
      existing<Histogram>('ficus_read_your_writes_wait_seconds') ??
      new Histogram({ name: 'ficus_read_your_writes_wait_seconds', help: 'How long a legacy-side read of service-owned tables was held for the reverse sync', buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2], registers: [o.metrics] });
    this.#positionQueries =
      existing<Counter>('ficus_read_your_writes_position_queries_total') ??
      new Counter({ name: 'ficus_read_your_writes_position_queries_total', help: 'Queries made for read-your-writes (service WAL markers, reverse checkpoint polls)', registers: [o.metrics] });
  }

  /** The legacy engine of `database`, holding reads of service-owned tables until the reverse sync caught up. */
  wrap(legacy: CallHandler, database: ServedDatabase): CallHandler {
    return async (call) => {
      const modules = await this.modulesToAwait(call, database);
      if (modules.length) await this.awaitReverseSync(modules, performance.now());
      return legacy(call);
    };
  }

  /**
   * The router of `database`, holding a read the upstream Odoo will answer (a model of no module,
   * like res.users, passes through to it) the same way: Odoo computes points_balance from the same
   * legacy copy. Decided from the object service's positional params when the transport gives
   * them (execute_kw, execute); otherwise from model and method, as a read of every field.
   */
  holdRoute(router: CallRouter, database: ServedDatabase): CallRouter {
    return (query) => {
      const decided = router(query);
      if (!query.model || !query.method || (query.database !== undefined && query.database !== database.name)) return decided;
      const hold = async (decision: RouteDecision): Promise<RouteDecision> => {
        if (decision.kind === 'local') return decision; // the call handler holds what Ficus answers itself
        const modules = await this.modulesToAwait(callOfQuery(query), database);
        if (modules.length) await this.awaitReverseSync(modules, performance.now());
        return decision;
      };
      return decided instanceof Promise ? decided.then(hold) : decided.kind === 'local' ? decided : hold(decided);
    };
  }

  /**
   * The modules in phase `service` whose legacy copies `call` reads; none without any I/O when no
   * module is in phase service or the call is not a read (the registry is loaded once per database
   * and kept: the engine itself loaded it before this call could be made).
   */
  async modulesToAwait(call: Pick<OdooCall, 'model' | 'method' | 'args' | 'kwargs'>, database: ServedDatabase): Promise<string[]> {
    // A create or write naming a row of a moved module waits for it as a read does (write-references.ts).
    const reading = this.o.isReadMethod(call.method);
    if (!reading && call.method !== 'create' && call.method !== 'write') return [];
    const served = [...this.o.plans.keys()].filter((code) => this.o.phaseOf(code).phase === 'service');
    if (!served.length) return [];
    const registry = await loadRegistry(database);
    const modules = new Set<string>();
    for (const table of reading ? tablesReadBy(registry, call) : tablesNamedByWrite(registry, call)) {
      const module = this.#moduleOfTable.get(table);
      if (module && this.o.phaseOf(module).phase === 'service') modules.add(module);
    }
    return [...modules];
  }

  /** Waits until each module's reverse reader applied its service's WAL as of `arrivedAt`; never throws. */
  async awaitReverseSync(modules: readonly string[], arrivedAt: number): Promise<Outcome> {
    const waitMs = this.o.waitMs ?? 2000;
    const deadline = arrivedAt + waitMs;
    const byService = new Map<string, string[]>();
    for (const module of modules) {
      const service = this.o.plans.get(module)!.service;
      byService.set(service, [...(byService.get(service) ?? []), module]);
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()))));
    let outcome: Outcome;
    try {
      const caughtUp = Promise.all(
        [...byService].map(async ([service, serviceModules]) => {
          const lsn = await this.#markersOf(service).after(arrivedAt);
          const reached = await Promise.all(serviceModules.map((m) => this.#appliedOf(m).reached(lsn, Math.max(0, deadline - performance.now()))));
          return reached.every(Boolean);
        }),
      ).then((all) => all.every(Boolean));
      // The race subscribes to `caughtUp`: a marker failing after the deadline is handled, not unhandled.
      outcome = (await Promise.race([caughtUp, expired])) ? 'caught_up' : 'behind';
    } catch {
      // The service or its pool is down: the legacy copy is all there is; answer from it.
      outcome = 'failed';
    } finally {
      clearTimeout(timer);
    }
    this.#calls.inc({ outcome });
    this.#wait.observe((performance.now() - arrivedAt) / 1000);
    return outcome;
  }

  #markersOf(service: string): LegacyPositions {
    let markers = this.#markers.get(service);
    if (!markers) {
      markers = new LegacyPositions(this.#counted(this.o.servicePositionPool(service)));
      this.#markers.set(service, markers);
    }
    return markers;
  }

  #appliedOf(module: string): AppliedPosition {
    let applied = this.#applied.get(module);
    if (!applied) {
      applied = new AppliedPosition({ service: this.#counted(this.o.legacyPositionPool), slot: reverseSlot(module), pollMs: this.o.pollMs ?? 5 });
      this.#applied.set(module, applied);
    }
    return applied;
  }

  /** The pool as the position helpers use it (connect only), counting each connection taken. */
  #counted(pool: pg.Pool): pg.Pool {
    return {
      connect: () => {
        this.positionQueries++;
        this.#positionQueries.inc();
        return pool.connect();
      },
    } as unknown as pg.Pool;
  }
}

/** The model call a routed request carries, as far as the route query tells it (no args: every field). */
function callOfQuery(query: RouteQuery): Pick<OdooCall, 'model' | 'method' | 'args' | 'kwargs'> {
  const params = query.rpc?.params ?? [];
  const positional = query.rpc?.method === 'execute_kw' ? params[5] : query.rpc?.method === 'execute' ? params.slice(5) : undefined;
  const keywords = query.rpc?.method === 'execute_kw' ? params[6] : undefined;
  return {
    model: query.model!,
    method: query.method!,
    args: Array.isArray(positional) ? positional : [],
    kwargs: keywords && typeof keywords === 'object' && !Array.isArray(keywords) ? (keywords as Record<string, unknown>) : {},
  };
}
