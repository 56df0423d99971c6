import type { Generated } from 'kysely';

/** Legacy timestamps: `timestamp without time zone`, UTC (the monolith's convention). */
type LegacyTimestamp = string | Date;
type Audit = {
  create_uid: number | null;
  write_uid: number | null;
  create_date: LegacyTimestamp | null;
  write_date: LegacyTimestamp | null;
};

/** hp_ai's AI_CAPABILITIES: an ai.model's capability and a generation task's type. */
export type AiCapability = 'content' | 'consult' | 'insight' | 'matching' | 'risk';
export type GenerationTaskState = 'queued' | 'running' | 'done' | 'failed';
export type InsightType = 'trend' | 'anomaly' | 'recommendation';
export type InsightSeverity = 'info' | 'warning' | 'critical';

/** The tables of M16, under their legacy names and columns, the same in svc_ai and in the monolith. */
export interface AiLegacyTables {
  ai_models: Audit & {
    id: Generated<number>;
    name: string;
    provider: string | null;
    version: string | null;
    capability: AiCapability;
    active: boolean | null;
  };
  generation_tasks: Audit & {
    id: Generated<number>;
    model_id: number | null;
    requester_id: number | null;
    task_type: AiCapability;
    state: GenerationTaskState;
    prompt: string | null;
    result: string | null;
    error: string | null;
    finished_at: LegacyTimestamp | null;
  };
  insights: Audit & {
    id: Generated<number>;
    user_id: number;
    insight_type: InsightType;
    severity: InsightSeverity;
    /** fields.Json: the numbers the insight rests on. */
    data: unknown;
    summary: string | null;
    generated_at: LegacyTimestamp | null;
  };
}

/** Everything svc_ai holds that the ai service's code queries (own tables join here as they are added). */
export type AiDatabase = AiLegacyTables;
