import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ChangeApplier } from '../../../cdc/apply/applier.ts';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { EmbeddedSource } from '../../../cdc/embedded/embedded-source.ts';
import { forwardSlot, referenceSlot, reverseSlot, type ModulePlan } from '../module-plan.ts';
import { recordLegacyWriteOwner } from '../service-write-gate.ts';
import { installDeleteRules, type DeleteRuleInstallation } from './delete-rule-triggers.ts';
import { deriveDeleteRules } from './delete-rules.ts';
import { modulePlansAt, serviceReferenceTablesAt } from './reference-tables.ts';
import { SwitchingSink } from './switching-sink.ts';
import { syncSource } from './sync-source.ts';

export interface ModuleSyncOptions {
  plan: ModulePlan;
  legacyUrl: string;
  serviceUrl: string;
  control: pg.Pool;
  logger: Logger;
  metrics: Registry;
  /** Creates the service database and its tables (the service's own migrations). */
  provision: (serviceUrl: string) => Promise<void>;
  heartbeatIntervalMs?: number;
  /** The reference reader is per service (one slot): false for a service's second module, whose first started it. */
  withReferenceSync?: boolean;
  /**
   * The service's reference tables (reference-tables.ts serviceReferenceTables over every module
   * plan); read from the legacy database when not given. Every module of a service uses the same list.
   */
  referenceTables?: readonly string[];
}

const qualified = (tables: readonly string[]) => tables.map((t) => `public.${t}`);

/**
 * The three readers that keep one module's data on both sides, all running for as long as the
 * module is being migrated; which of them writes what is decided per change by the ownership
 * switches (switching-sink.ts), so a cutover changes no process, only a row:
 * - forward (legacy → service, slot ficus_fwd_<m>): its snapshot is the backfill; applies rows
 *   while legacy owns the tables, turns legacy writes into commands once the service does;
 * - reverse (service → legacy, slot ficus_rev_<m>): ignores everything while legacy owns the
 *   tables, applies the service's writes to the legacy tables after cutover;
 * - reference (legacy → service, slot ficus_ref_<service>): read-only copies of the tables the
 *   ORM engine needs to serve the service database (registry, access, users) and of the tables
 *   the service's models point at (reference-tables.ts serviceReferenceTables). When that list
 *   changed since the slot was made (a new reference, a module joining the service), the reader
 *   re-aims the publication and, its checkpoint naming other tables, takes a new snapshot of the
 *   whole list on a new slot (cdc/embedded/embedded-source.ts #prepare).
 * Before the readers start, the monolith's ON DELETE rules from the service's tables across its cut
 * are put in the service database as triggers (delete-rules.ts, delete-rule-triggers.ts), so a
 * delete any reader applies ends there as the monolith's foreign keys end it.
 * Each applier tags its writes with its own replication origin, and the forward and reverse
 * readers skip ficus_* origins: nothing echoes. The reference reader applies every origin: its
 * tables are other modules', whose rows another service's reverse sync may write into the
 * monolith after that module's cutover, and the copy must follow them too.
 */
export class ModuleSync {
  readonly #o: ModuleSyncOptions;
  readonly #sources: EmbeddedSource[] = [];
  readonly #closers: (() => Promise<void>)[] = [];
  forward: EmbeddedSource | undefined;
  /**
   * Reference tables this start created in the service database (none when the list is the one
   * the database already had). An engine serving that database keeps the registry it loaded
   * (odoo-bridge/orm/registry/registry-cache.ts): one loaded before them must be forgotten
   * (forgetRegistry) to see them, or their many2one values read `[id, false]` until a restart.
   */
  addedReferenceTables: readonly string[] = [];
  /** The monolith's ON DELETE rules this start put in the service database (delete-rule-triggers.ts). */
  deleteRules: DeleteRuleInstallation | undefined;

  constructor(options: ModuleSyncOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const { plan, legacyUrl, serviceUrl, control, logger, metrics } = this.#o;
    await this.#o.provision(serviceUrl);
    await this.#recordWriteOwner();
    const referenceTables = qualified(this.#o.referenceTables ?? (await serviceReferenceTablesAt(legacyUrl, plan.service)));
    this.addedReferenceTables = await this.#copyReferenceDefinitions(referenceTables);
    // Before any reader applies a delete: the copies (and the service's own tables) exist now.
    this.deleteRules = await this.#installDeleteRules(referenceTables);
    const tables = qualified(plan.tables);
    const code = plan.code.toLowerCase();

    // A change one side refuses is parked there (ficus_cdc.parked_change) and shown by status; the rest flows on.
    const forwardApplier = await ChangeApplier.open({ targetUrl: serviceUrl, sourceName: syncSource('forward', plan.code), logger, registry: metrics, origin: forwardSlot(plan.code), onRefused: 'park' });
    const forwardSink = new SwitchingSink({ module: plan.code, direction: 'forward', initial: 'apply', applier: forwardApplier, control, targetUrl: serviceUrl, allowReset: true });
    const reverseApplier = await ChangeApplier.open({ targetUrl: legacyUrl, sourceName: syncSource('reverse', plan.code), logger, registry: metrics, origin: reverseSlot(plan.code), onRefused: 'park' });
    const reverseSink = new SwitchingSink({ module: plan.code, direction: 'reverse', initial: 'ignore', applier: reverseApplier, control, targetUrl: legacyUrl, allowReset: false });
    this.#closers.push(() => forwardSink.close(), () => reverseSink.close(), () => forwardApplier.close(), () => reverseApplier.close());

    const common = { logger, heartbeatIntervalMs: this.#o.heartbeatIntervalMs ?? 1000, maxDelayMs: 5 };
    this.forward = new EmbeddedSource({ ...common, sourceUrl: legacyUrl, purpose: forwardSlot(plan.code).slice(6), tables, applier: forwardSink.asApplier() });
    const reverse = new EmbeddedSource({ ...common, sourceUrl: serviceUrl, purpose: reverseSlot(plan.code).slice(6), tables, applier: reverseSink.asApplier() });
    if (this.#o.withReferenceSync !== false) {
      const referenceApplier = await ChangeApplier.open({
        targetUrl: serviceUrl, sourceName: `reference_${plan.service}`, logger, registry: metrics, origin: referenceSlot(plan.service), skipOrigin: () => false,
      });
      this.#closers.push(() => referenceApplier.close());
      this.#sources.push(new EmbeddedSource({ ...common, sourceUrl: legacyUrl, purpose: referenceSlot(plan.service).slice(6), tables: referenceTables, applier: referenceApplier }));
    }
    this.#sources.push(this.forward, reverse);
    // One after the other: creating a slot waits for every transaction running in the cluster,
    // so readers created together wait on each other's snapshot transactions.
    for (const source of this.#sources) {
      source.start();
      await source.ready;
    }
  }

  /** Resolves when every reader finished its snapshot and streams. */
  async ready(): Promise<void> {
    await Promise.all(this.#sources.map((s) => s.ready));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#sources.map((s) => s.stop().catch(() => undefined)));
    for (const close of this.#closers) await close().catch(() => undefined);
  }

  /**
   * The monolith's foreign keys from the service's tables to its reference copies and to its other
   * modules' tables, as triggers of the service database (delete-rules.ts, delete-rule-triggers.ts):
   * made here, where the copies are created or made again, before the readers start.
   */
  async #installDeleteRules(referenceTables: readonly string[]): Promise<DeleteRuleInstallation> {
    const { plan, legacyUrl, serviceUrl, logger } = this.#o;
    const plans = await modulePlansAt(legacyUrl);
    const source = new pg.Client({ connectionString: legacyUrl });
    const target = new pg.Client({ connectionString: serviceUrl });
    await source.connect();
    await target.connect();
    try {
      const rules = await deriveDeleteRules(source, plans, plan.service, referenceTables);
      const installation = await installDeleteRules(target, rules);
      for (const { rule, why } of installation.skipped) logger.warn({ service: plan.service, constraint: rule.constraint, action: rule.action }, `delete rule not carried: ${why}`);
      if (installation.changed || installation.dropped.length) {
        logger.info({ service: plan.service, installed: installation.installed.length, changed: installation.changed, dropped: installation.dropped.length }, 'delete rules of the monolith put in the service database');
      }
      return installation;
    } finally {
      await source.end();
      await target.end();
    }
  }

  /** From the backfill on, the service's REST writes of the module wait for cutovers (service-write-gate.ts). */
  async #recordWriteOwner(): Promise<void> {
    const service = new pg.Client({ connectionString: this.#o.serviceUrl });
    await service.connect();
    try {
      await recordLegacyWriteOwner(service, this.#o.plan.code);
    } finally {
      await service.end();
    }
  }

  /**
   * Creates the reference copies' tables in the service database (plain columns and primary keys,
   * no id default: the engine refuses writes to such a table, odoo-bridge/orm/write/references/served-schema.ts).
   */
  async #copyReferenceDefinitions(tables: readonly string[]): Promise<string[]> {
    const source = new pg.Client({ connectionString: this.#o.legacyUrl });
    const target = new pg.Client({ connectionString: this.#o.serviceUrl });
    await source.connect();
    await target.connect();
    try {
      const absent = await target.query<{ name: string }>('SELECT t AS name FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NULL', [tables]);
      await copyTableDefinitions(source, target, tables);
      return absent.rows.map((r) => r.name);
    } finally {
      await source.end();
      await target.end();
    }
  }
}
