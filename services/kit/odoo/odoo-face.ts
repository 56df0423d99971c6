import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AccessChangeSignal, BehaviourRegistry, DeclaredFieldGuard, DeclaredRecordRule, ModelCaller, OdooCall } from '../../../odoo-bridge/orm/index.ts';

/** Legacy Odoo module M01–M20 (DESIGN §5 module registry). */
export type ModuleId = `M${'0' | '1' | '2'}${number}`;

/** One Odoo model a service serves once its module reaches phase `service`, under its legacy table name. */
export interface ServedModel {
  model: string;
  table: string;
  module: ModuleId;
}

/** What the service's ORM engine is given when the gateway or the control plane creates it. */
export interface ServiceEngineOptions {
  /** The database name clients use (hp_legacy). */
  name: string;
  /** The service's own database (svc_<name>). */
  pool: pg.Pool;
  /** The monolith's database, for legacy adapters performing side effects across the cut. */
  legacyPool?: pg.Pool;
  metrics?: Registry;
  /** Where the engine logs what no client sees (work after a commit). */
  logger: Logger;
  /**
   * Other models' public methods as a client call reaches them (the gateway's phase-aware
   * dispatch), for a behaviour that acts on another module's records: finance's
   * hp.payment.action_succeed marks the paid service order paid, wherever M04 lives. Absent
   * where no gateway hosts the engine.
   */
  callModel?: ModelCaller;
  /**
   * The service database's access-change announcements (access/access-change-feed.ts): while
   * live, the engine's access tables, user facts and group catalog are kept until a change is
   * announced instead of being read again every few seconds.
   */
  accessChanges?: AccessChangeSignal;
}

/** What the legacy side's engine gives a service's legacy behaviours: other models' methods through the dispatch clients' calls take. */
export interface LegacyBehaviourPorts {
  callModel: ModelCaller;
  /** The gateway's logger and metrics, for side effects a legacy behaviour reports (a failed award after commit). */
  logger?: Logger;
  metrics?: Registry;
  /**
   * The monolith's database this engine serves, and the services' own databases: for a legacy
   * behaviour whose side effect spans the cut (ec's stock reservations, kept in svc_ec's ledger,
   * released when an order is cancelled on the monolith). Absent where no gateway hosts the engine.
   */
  legacyPool?: pg.Pool;
  servicePool?: (service: string) => pg.Pool;
}

/** A processor of legacy writes to the service's tables after cutover (kit's LegacyCommandProcessor or a subclass). */
export interface CommandProcessor {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Odoo face of a service: what lets the gateway answer its modules' models from the
 * service's database and the migration control plane move those modules. A service without one
 * serves REST only, and its modules cannot leave phase `legacy`.
 */
export interface OdooFace {
  /** Every table-backed model of the service's modules, with its legacy table (checked against the legacy database's registry). */
  models: readonly ServedModel[];
  /**
   * Registers the service's model behaviour (the addon's Python: defaults, hooks, business
   * methods) on the registry of the engine over the service's database. Legacy adapters for
   * side effects across the cut are built here from `engine` (e.g. `engine.legacyPool`).
   */
  behaviours(registry: BehaviourRegistry, engine: ServiceEngineOptions): BehaviourRegistry;
  /** Business methods the service provides, per model (the control plane's "methods provided" gate). */
  businessMethods: Readonly<Record<string, readonly string[]>>;
  /**
   * What the legacy side's engine needs to answer these models like the monolith while they
   * are still in Odoo (phase legacy, or after a rollback), with no upstream Odoo.
   */
  legacyBehaviours(registry: BehaviourRegistry, ports?: LegacyBehaviourPorts): BehaviourRegistry;
  /** Creates the service's database before a backfill. Default: the kit's tables, then the service's migrations. */
  provision?(serviceUrl: string): Promise<void>;
  /** The processor of legacy writes to its tables after cutover. Default: the kit's, over `models`' tables. */
  commandProcessor?(options: { url: string; logger: Logger }): CommandProcessor;
  /**
   * Sees every call of one of `models` the service's engine answered without an error, with its
   * answer, before the answer goes back to the client (e.g. an audit of who read health records,
   * on which protocol: `call.transport`). The observer picks the methods it cares about. A failing
   * observer fails the call: what must be recorded is never answered unrecorded. Created once per
   * engine, with the engine's options (its pool is the service database).
   */
  callObserver?(engine: ServiceEngineOptions): (call: OdooCall, answer: unknown) => Promise<void>;
  /**
   * Modules of this service that must change owner in one freeze although the data may show no
   * reference between them. The control plane derives ties from stored references (many2one,
   * many2many, and `x_model`/`x_id` pairs as far as rows hold them: an empty ledger shows none);
   * a method that writes another module's table in its own transaction (a gift order debiting
   * the points ledger) ties them whatever the rows say. A cutover or rollback of one of them
   * alone is refused by the "coupled modules move together" gate.
   */
  movesTogether?: readonly ModuleTie[];
  /**
   * Stored links between this service's modules that do not tie them: a record that only names
   * another module's record (an alert's `res_model`/`res_id`, an audit entry) and never reads or
   * writes it in a transaction of its own can point across the cut, like any link to another
   * service. The coupling gate leaves these out; every other link still ties.
   */
  looseLinks?: readonly LooseLink[];
  /**
   * Record rules the monolith lacks on this service's models, which the service adds (SERVICES.md
   * §6: a hole must not cross the cut): evaluated with the database's own `ir_rule` rows by every
   * engine and REST access port of the process, on every protocol, in both phases. Listed in
   * MIGRATION.md as deliberate differences.
   */
  recordRules?: readonly DeclaredRecordRule[];
  /**
   * Per-record conditions on reading one field that the monolith lacks (content: a paid body only
   * for its buyers, its author and staff): every engine of the process answers the field empty
   * where the condition fails, in reads, domains, orders and groupings alike
   * (odoo-bridge/orm/access/field-guards.ts). REST routes apply the same condition themselves.
   */
  fieldGuards?: readonly DeclaredFieldGuard[];
}

/** A stored link that does not tie its two modules, and why. */
export interface LooseLink {
  /** The link as the coupling gate names it: `<model>.<field>` (`hp.risk.alert.res_model/res_id`). */
  link: string;
  /** Why it may point across the cut, e.g. `an alert only names the record it is about`. */
  because: string;
}

/** Modules that change owner together, and why (shown in the coupling gate's detail). */
export interface ModuleTie {
  modules: readonly ModuleId[];
  /** What one module does to the other's rows in a single transaction, e.g. `hp.gift.order.create debits hp.points.transaction`. */
  because: string;
}
