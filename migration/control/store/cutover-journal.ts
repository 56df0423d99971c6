import type pg from 'pg';
import type { Phase } from '../phases.ts';

export type CutoverKind = 'cutover' | 'rollback';
export type CutoverState = 'running' | 'completed' | 'aborted' | 'interrupted_before' | 'interrupted_after';

export interface CutoverRow {
  id: number;
  module: string;
  kind: CutoverKind;
  from: Phase;
  to: Phase;
  state: CutoverState;
  freezeMs: number | null;
  outcome: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  steps: { step: string; detail: unknown; at: Date }[];
}

/**
 * The cutover's own record, written as it goes (each step its own committed row), so that a
 * process killed mid-way leaves a trail: `ficus migrate status` shows the last step reached
 * and whether the phase flip happened.
 */
export class CutoverJournal {
  private constructor(private readonly db: pg.Pool, readonly id: number) {}

  static async begin(db: pg.Pool, module: string, kind: CutoverKind, from: Phase, to: Phase): Promise<CutoverJournal> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO ficus_migration.cutover (module, kind, from_phase, to_phase) VALUES ($1, $2, $3, $4) RETURNING id`,
      [module, kind, from, to],
    );
    return new CutoverJournal(db, Number(rows[0]!.id));
  }

  async step(step: string, detail: Record<string, unknown> = {}): Promise<void> {
    await this.db.query(`INSERT INTO ficus_migration.cutover_step (cutover_id, step, detail) VALUES ($1, $2, $3::jsonb)`, [this.id, step, JSON.stringify(detail)]);
  }

  async finish(state: Exclude<CutoverState, 'running'>, outcome: string, freezeMs?: number, client?: pg.ClientBase): Promise<void> {
    await (client ?? this.db).query(
      `UPDATE ficus_migration.cutover SET state = $2, outcome = $3, freeze_ms = COALESCE($4, freeze_ms), finished_at = now() WHERE id = $1`,
      [this.id, state, outcome, freezeMs ?? null],
    );
  }
}

export async function readCutovers(db: pg.Pool, module: string, limit = 5): Promise<CutoverRow[]> {
  const { rows } = await db.query(
    `SELECT id, module, kind, from_phase, to_phase, state, freeze_ms, outcome, started_at, finished_at,
            COALESCE((SELECT jsonb_agg(jsonb_build_object('step', s.step, 'detail', s.detail, 'at', s.at) ORDER BY s.seq)
                        FROM ficus_migration.cutover_step s WHERE s.cutover_id = c.id), '[]') AS steps
       FROM ficus_migration.cutover c WHERE module = $1 ORDER BY id DESC LIMIT $2`,
    [module, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id), module: r.module, kind: r.kind, from: r.from_phase, to: r.to_phase, state: r.state,
    freezeMs: r.freeze_ms, outcome: r.outcome, startedAt: r.started_at, finishedAt: r.finished_at,
    steps: (r.steps as { step: string; detail: unknown; at: string }[]).map((s) => ({ step: s.step, detail: s.detail, at: new Date(s.at) })),
  }));
}
