import type { RegisteredModule } from '../modules/index.ts';
import { forwardSlot } from '../control/module-plan.ts';
import { tableOwner, type Phase } from '../control/phases.ts';
import { SERVICE_CATALOG } from '../../services/catalog.ts';
import { quoteIdent } from '../../platform/quote-ident.ts';
import type { Queryable } from '../modules/queryable.ts';

/**
 * What a module's service copy is, seen from the service database:
 * - `backfilled`: the forward sync's snapshot finished (the copy `ficus migrate backfill` makes);
 * - `found-without-backfill-record`: the tables hold rows but no sync recorded a snapshot
 *   (restored by hand, or written by another tool): compared as found;
 * - `backfilling`: the snapshot is still being copied;
 * - `never-backfilled`: the service database exists but holds no copy of the module's rows;
 * - `no-database`: the service has no database (planned service, or never started).
 */
export type CopyState = 'backfilled' | 'found-without-backfill-record' | 'backfilling' | 'never-backfilled' | 'no-database';

/** Where a module stands in the migration, as the control database records it. */
export interface ModuleStanding {
  phase: Phase;
  /** The last recorded step, e.g. `rollback service → shadow`. */
  lastStep?: { step: string; from: Phase; to: Phase; at: Date };
}

/** The control database's answer for a module; null when there is no control database to ask. */
export type StandingLookup = (code: string) => Promise<ModuleStanding | null>;

/** One module asked for: whether it was compared, against what, and if not, why not. */
export interface ModuleScope {
  code: string;
  technicalName: string;
  service: string;
  /** Null when no control database was found: nothing has moved, the module is taken as legacy. */
  phase: Phase | null;
  lastStep?: string;
  /** Whose tables are the truth while the module is in this phase. */
  systemOfRecord: 'legacy' | 'service';
  copy: CopyState;
  /** Host, port and database of the service copy (never credentials). */
  serviceDatabase: string;
  tables: string[];
  compared: boolean;
  /** Plain words: what is compared with what, or why nothing is. */
  explanation: string;
  /** Why there is no service copy, when there is none. */
  noCopy?: string;
  /**
   * Set when the missing copy is itself a difference: the module's phase relies on a service
   * copy (shadow and canary compare with it, service answers from it) and there is none.
   */
  finding?: string;
}

export interface CopySurveyOptions {
  standing: StandingLookup;
  /** The service database of `service`, as a queryable with a label; the URL is never printed. */
  serviceDatabase(service: string): { db: Queryable; label: string };
}

const PHASES_USING_THE_COPY: readonly Phase[] = ['shadow', 'canary', 'service', 'retired'];

/**
 * Decides, per module, whether `ficus reconcile` has anything to compare: a module with no
 * service copy has nothing to reconcile (and the report says why) unless its phase relies on a
 * copy, in which case the missing copy is reported as a difference.
 */
export async function surveyModuleCopies(modules: readonly RegisteredModule[], options: CopySurveyOptions): Promise<ModuleScope[]> {
  const scopes: ModuleScope[] = [];
  for (const m of modules) scopes.push(await surveyModule(m, options));
  return scopes;
}

async function surveyModule(m: RegisteredModule, options: CopySurveyOptions): Promise<ModuleScope> {
  const standing = await options.standing(m.code);
  const phase = standing?.phase ?? null;
  const systemOfRecord = tableOwner(phase ?? 'legacy');
  const { db, label } = options.serviceDatabase(m.service);
  const copy = m.tables.length ? await copyState(db, m) : 'never-backfilled';
  const base = {
    code: m.code,
    technicalName: m.technicalName,
    service: m.service,
    phase,
    ...(standing?.lastStep ? { lastStep: `${standing.lastStep.step} ${standing.lastStep.from} → ${standing.lastStep.to} (${standing.lastStep.at.toISOString().slice(0, 16).replace('T', ' ')} UTC)` } : {}),
    systemOfRecord,
    copy,
    serviceDatabase: label,
    tables: m.tables,
  };
  const where = phaseWords(phase, base.lastStep);

  if (!m.tables.length) {
    return { ...base, compared: false, explanation: `${where}: the module creates no tables of its own (it only adds fields to other modules' models), so there is nothing to compare` };
  }
  if (copy === 'backfilled' || copy === 'found-without-backfill-record') {
    const found = copy === 'found-without-backfill-record' ? ' (no sync recorded a backfill of this copy: compared as found)' : '';
    const explanation = systemOfRecord === 'legacy'
      ? `${where}: the legacy tables (the system of record) against the service copy in ${label}, kept by the forward sync${found}`
      : `${where}: the service's tables in ${label} (the system of record) against the legacy tables, kept by the reverse sync${found}`;
    return { ...base, compared: true, explanation };
  }
  const why = noCopyReason(m, copy, label);
  if (phase && PHASES_USING_THE_COPY.includes(phase)) {
    const finding = `${where}, which relies on the service copy, but there is none: ${why}`;
    return { ...base, compared: false, noCopy: why, explanation: finding, finding };
  }
  const next = copy === 'backfilling'
    ? 'reconcile again once it has finished'
    : isPlanned(m.service) ? 'it is compared once its service is built and the module backfilled' : `\`ficus migrate backfill ${m.code}\` makes one`;
  return { ...base, compared: false, noCopy: why, explanation: `${where}: no service copy to compare with — ${why}; nothing to reconcile (${next})` };
}

const isPlanned = (service: string) => 'planned' in (SERVICE_CATALOG[service as keyof typeof SERVICE_CATALOG] ?? { planned: [] });

function phaseWords(phase: Phase | null, lastStep: string | undefined): string {
  if (!phase) return 'phase legacy (no migration control database found: nothing has moved)';
  return `phase ${phase}${lastStep ? `, last step ${lastStep}` : ''}`;
}

function noCopyReason(m: RegisteredModule, copy: CopyState, label: string): string {
  const database = label.split('/').pop() ?? label;
  switch (copy) {
    case 'no-database':
      return isPlanned(m.service)
        ? `its service ${m.service} is planned, not built yet, so there is no service database (${database})`
        : `its service's database ${database} does not exist yet (\`ficus start\` creates it)`;
    case 'backfilling':
      return `the backfill into ${database} is still copying the module's rows`;
    default:
      return `the module's tables in ${database} were never backfilled (they hold no rows and no sync recorded a snapshot)`;
  }
}

/** PostgreSQL: the database does not exist. */
const NO_SUCH_DATABASE = '3D000';

async function copyState(db: Queryable, m: RegisteredModule): Promise<CopyState> {
  let snapshot: boolean | null;
  try {
    snapshot = await snapshotDone(db, forwardSlot(m.code));
  } catch (error) {
    if ((error as { code?: string }).code === NO_SUCH_DATABASE) return 'no-database';
    throw error;
  }
  if (snapshot === true) return 'backfilled';
  if (snapshot === false) return 'backfilling';
  return (await anyRows(db, m.tables)) ? 'found-without-backfill-record' : 'never-backfilled';
}

/** The forward reader's snapshot state for `slot` (cdc/embedded: ficus_cdc.checkpoint), or null when it never started. */
async function snapshotDone(db: Queryable, slot: string): Promise<boolean | null> {
  const exists = await db.query<{ ok: boolean }>(`SELECT to_regclass('ficus_cdc.checkpoint') IS NOT NULL AS ok`);
  if (!exists.rows[0]?.ok) return null;
  const { rows } = await db.query<{ done: boolean | null }>(`SELECT (position->>'snapshotDone')::boolean AS done FROM ficus_cdc.checkpoint WHERE source = $1`, [slot]);
  return rows[0] ? rows[0].done === true : null;
}

async function anyRows(db: Queryable, tables: readonly string[]): Promise<boolean> {
  const { rows } = await db.query<{ t: string }>(`SELECT t FROM unnest($1::text[]) t WHERE to_regclass(quote_ident(t)) IS NOT NULL`, [tables]);
  for (const { t } of rows) {
    const found = await db.query(`SELECT 1 FROM ${quoteIdent(t)} LIMIT 1`);
    if (found.rowCount) return true;
  }
  return false;
}

/**
 * The reason a rule cannot be checked on the service side because one of its tables belongs to
 * a module with no service copy; undefined when the table's module has one.
 */
export function ruleSideUnavailable(table: string, scope: ModuleScope | undefined): string | undefined {
  if (!scope?.noCopy) return undefined;
  return `${table} belongs to ${scope.code} ${scope.technicalName}, which has no service copy yet (${scope.noCopy}); this side of the rule is checked once it has one`;
}
