/** A module's place in the strangler migration (DESIGN §5 "Phases, per module"). */
export const PHASES = ['legacy', 'shadow', 'canary', 'service', 'retired'] as const;
export type Phase = (typeof PHASES)[number];

/** Who is the system of record for the module's tables in this phase: one owner at a time. */
export function tableOwner(phase: Phase): 'legacy' | 'service' {
  return phase === 'service' || phase === 'retired' ? 'service' : 'legacy';
}

export type StepName = 'backfill' | 'shadow' | 'canary' | 'cutover' | 'rollback' | 'retire';

/** Which phases a step may start from and where it leads (rollback's target is the phase before). */
export const STEP_FROM: Readonly<Record<StepName, readonly Phase[]>> = {
  backfill: ['legacy', 'shadow', 'canary'],
  shadow: ['legacy', 'canary'],
  canary: ['shadow', 'canary'],
  cutover: ['shadow', 'canary'],
  rollback: ['shadow', 'canary', 'service'],
  retire: ['service'],
};

export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}
