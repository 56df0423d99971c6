import { tableOwner } from '../control/phases.ts';
import { loadModuleRegistry } from '../modules/index.ts';
import type { ReconcileModulesOptions } from './reconcile-modules.ts';
import type { OwnerLookup } from './table-owner.ts';
import type { RuleRepairPools } from './rule-repair.ts';
import type { DatabaseHandle } from './reconcile-run.ts';
import type { ModuleRegistry } from '../modules/index.ts';
import { databaseUrlOn, serviceDatabaseName, type DatabasePools } from './targets.ts';
import type { ServiceName } from '../modules/module-map.ts';

export interface RuleRepairSides {
  /** Whose rows are the truth for a table now: its module's phase, legacy when nothing moved. */
  ownerOf: OwnerLookup;
  pools: RuleRepairPools;
}

/**
 * Where rule repairs write, for the databases a reconcile run used (the same options). A rule
 * repair may write a table of a module that was not asked for (the points ledger, M14, when
 * reconciling M04): its owner comes from that module's own phase, and its service database from
 * the module registry, not from the report's tables.
 */
export function ruleRepairSides(options: ReconcileModulesOptions & { pools: DatabasePools }): RuleRepairSides {
  const source = options.pools.handle(options.sourceUrl).pool;
  const clusterUrl = options.clusterUrl ?? options.sourceUrl;
  // Loaded on first use: a run with nothing to repair (or plain --tables on a database that is not Odoo's) never needs it.
  let registry: Promise<ModuleRegistry> | undefined;
  const loaded = () => (registry ??= loadModuleRegistry(source, options.addonsPath ? { addonsPath: options.addonsPath } : {}));
  let target: ((table: string) => DatabaseHandle | undefined) | undefined;
  return {
    ownerOf: async (table) => {
      const module = (await loaded()).moduleOfTable(table);
      const standing = module && options.standing ? await options.standing(module.code) : null;
      return tableOwner(standing?.phase ?? 'legacy');
    },
    pools: {
      source: () => source,
      target: async (table) => {
        target ??= options.pools.targetResolver(await loaded(), {
          ...(options.targetUrl ? { targetUrl: options.targetUrl } : {}),
          clusterUrl,
          serviceUrl: (service) => options.serviceUrlFor?.(service) ?? databaseUrlOn(clusterUrl, serviceDatabaseName(service as ServiceName)),
        });
        const handle = target(table);
        if (!handle) throw new Error(`no service database holds ${table}: it belongs to no module`);
        return handle.pool;
      },
    },
  };
}
