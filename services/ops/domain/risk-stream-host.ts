import type { Kysely } from 'kysely';
import type pg from 'pg';
import { coreBehaviours, createFullOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import { riskHome } from '../db/ops-home.ts';
import type { OpsDatabase } from '../db/tables.ts';
import { insertAlertsOnce } from './risk-alerts.ts';
import { evaluateChanges, type RiskStreamPorts, type RowChange, type StreamOutcome, type StreamRule } from './risk-stream.ts';

/** Odoo's superuser: the stream acts as Odoo's own jobs do (no ACL, no record rules). */
export const SUPERUSER_ID = 1;

export interface RiskStreamHostOptions {
  /** svc_ops. */
  db: Kysely<OpsDatabase>;
  /** The monolith's database: every watched table is there (the reverse sync keeps the tables of moved modules true). */
  legacyPool: pg.Pool;
  /** The database name clients use (hp_legacy). */
  odooDatabaseName: string;
}

/**
 * Risk evaluation on the change stream, hosted: rules and alerts where M18 lives now (riskHome:
 * the monolith before its cutover, svc_ops after), each keyed search through an ORM engine over
 * the monolith's tables as Odoo's superuser. The monolith holds every watched model's rows
 * whichever service owns them (forward sync copies out, reverse sync copies back), so one engine
 * answers every rule; the change being evaluated is in its tables, because the stream reads the
 * monolith's WAL.
 */
export class RiskStreamHost {
  readonly #o: RiskStreamHostOptions;
  readonly #engine: OrmEngine;

  constructor(options: RiskStreamHostOptions) {
    this.#o = options;
    this.#engine = createFullOrmEngine({ database: { name: options.odooDatabaseName, pool: options.legacyPool }, behaviours: coreBehaviours() });
  }

  /**
   * The tables whose changes rules may watch: every model's table the registry knows (a rule may
   * name any model), as far as it is a table of the monolith with a primary key (some models are
   * SQL views, e.g. res.device: no rows change there, their tables' changes are what to watch).
   */
  async watchedTables(models?: readonly string[]): Promise<string[]> {
    const registry = await this.#engine.registry();
    const names = models ?? [...registry.models.keys()];
    const wanted = [...new Set(names.map((m) => registry.model(m)?.table).filter((t): t is string => !!t))];
    const { rows } = await this.#o.legacyPool.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname = ANY($1::text[])
          AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)`,
      [wanted],
    );
    return rows.map((r) => r.relname).sort();
  }

  /** Evaluates one batch of row changes (ports below). */
  evaluate(changes: readonly RowChange[]): Promise<StreamOutcome> {
    return evaluateChanges(this.ports(), changes);
  }

  ports(): RiskStreamPorts {
    const { db, legacyPool, odooDatabaseName } = this.#o;
    const ctx = { db, legacyPool };
    return {
      activeRules: async () => {
        const rows = await riskHome.readerNow(ctx);
        return (await rows.selectFrom('risk_rules').select(['id', 'code', 'model_name', 'condition', 'severity']).where('active', '=', true).orderBy('code').execute()) as StreamRule[];
      },
      modelsOfTable: async (table) => {
        const registry = await this.#engine.registry();
        return [...registry.models.values()].filter((m) => m.table === table).map((m) => m.name);
      },
      search: async (model, domain) =>
        (await this.#engine.call({ database: odooDatabaseName, uid: SUPERUSER_ID, model, method: 'search', args: [domain], kwargs: {} })) as number[],
      alertedAmong: async (ruleIds, ids) => {
        const rows = await riskHome.readerNow(ctx);
        const found = await rows.selectFrom('risk_alerts').select(['rule_id', 'res_id']).where('rule_id', 'in', [...ruleIds]).where('res_id', 'in', [...ids]).execute();
        const byRule = new Map<number, Set<number>>();
        for (const { rule_id: ruleId, res_id: resId } of found) {
          if (ruleId === null || resId === null) continue;
          let set = byRule.get(ruleId);
          if (!set) byRule.set(ruleId, (set = new Set()));
          set.add(resId);
        }
        return byRule;
      },
      createAlertsOnce: (alerts) => db.transaction().execute((tx) => riskHome.writeIn({ db: tx, legacyPool }, (rows) => insertAlertsOnce(onKysely(rows), alerts, SUPERUSER_ID))),
    };
  }
}
