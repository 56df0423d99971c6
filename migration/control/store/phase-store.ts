import type pg from 'pg';
import { isPhase, type Phase, type StepName } from '../phases.ts';

/** NOTIFY channel (and Redis channel) every phase or freeze change is announced on. */
export const PHASE_CHANNEL = 'ficus_phase';

export interface ModulePhase {
  module: string;
  phase: Phase;
  canaryPercent: number;
  /** Set while a cutover or rollback holds the module's writes. */
  freeze: { epoch: number; until: Date } | null;
  version: number;
}

export interface GateOutcome {
  gate: string;
  ok: boolean;
  detail: string;
}

export interface TransitionRecord {
  module: string;
  step: StepName;
  from: Phase;
  to: Phase;
  canaryPercent?: number;
  actor: string;
  reason: string | null;
  forced: boolean;
  gates: GateOutcome[];
}

type Db = pg.Pool | pg.ClientBase;

function rowToPhase(r: { module: string; phase: string; canary_percent: number; freeze_epoch: string | null; freeze_until: Date | null; version: string }): ModulePhase {
  return {
    module: r.module,
    phase: isPhase(r.phase) ? r.phase : 'legacy',
    canaryPercent: r.canary_percent,
    freeze: r.freeze_epoch !== null && r.freeze_until ? { epoch: Number(r.freeze_epoch), until: r.freeze_until } : null,
    version: Number(r.version),
  };
}

export async function readPhases(db: Db): Promise<ModulePhase[]> {
  const { rows } = await db.query('SELECT module, phase, canary_percent, freeze_epoch, freeze_until, version FROM ficus_migration.module_phase ORDER BY module');
  return rows.map(rowToPhase);
}

/** A module never moved is in phase legacy. */
export async function readPhase(db: Db, module: string): Promise<ModulePhase> {
  const { rows } = await db.query('SELECT module, phase, canary_percent, freeze_epoch, freeze_until, version FROM ficus_migration.module_phase WHERE module = $1', [module]);
  return rows[0] ? rowToPhase(rows[0]) : { module, phase: 'legacy', canaryPercent: 0, freeze: null, version: 0 };
}

export async function notifyPhaseChange(db: Db, module: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [PHASE_CHANNEL, module]);
}

/**
 * Moves the module and records the transition in one transaction (the NOTIFY is sent at
 * commit). `expectVersion` makes concurrent steps on one module fail instead of interleaving.
 */
export async function recordTransition(client: pg.ClientBase, t: TransitionRecord, expectVersion?: number): Promise<void> {
  const updated = await client.query(
    `INSERT INTO ficus_migration.module_phase (module, phase, canary_percent) VALUES ($1, $2, $3)
     ON CONFLICT (module) DO UPDATE SET phase = EXCLUDED.phase, canary_percent = EXCLUDED.canary_percent,
       freeze_epoch = NULL, freeze_until = NULL, version = module_phase.version + 1, updated_at = now()
     WHERE $4::bigint IS NULL OR module_phase.version = $4::bigint`,
    [t.module, t.to, t.canaryPercent ?? 0, expectVersion ?? null],
  );
  if (updated.rowCount !== 1) throw new Error(`module ${t.module} changed while this step ran; nothing was changed, run it again`);
  await client.query(
    `INSERT INTO ficus_migration.transition (module, step, from_phase, to_phase, canary_percent, actor, reason, forced, gates)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
    [t.module, t.step, t.from, t.to, t.canaryPercent ?? null, t.actor, t.reason, t.forced, JSON.stringify(t.gates)],
  );
  await notifyPhaseChange(client, t.module);
}

export interface StoredTransition extends TransitionRecord {
  id: number;
  at: Date;
}

export async function readTransitions(db: Db, module: string, limit = 20): Promise<StoredTransition[]> {
  const { rows } = await db.query(
    `SELECT id, module, step, from_phase, to_phase, canary_percent, actor, reason, forced, gates, at
       FROM ficus_migration.transition WHERE module = $1 ORDER BY id DESC LIMIT $2`,
    [module, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id), module: r.module, step: r.step, from: r.from_phase, to: r.to_phase,
    ...(r.canary_percent !== null ? { canaryPercent: r.canary_percent } : {}),
    actor: r.actor, reason: r.reason, forced: r.forced, gates: r.gates, at: r.at,
  }));
}
