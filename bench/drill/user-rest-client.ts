import { bearerRest, type RestVerb } from './bearer-rest.ts';

/** A goal as the user service's REST API shows it (schemas/rest/user/health-goal.json). */
export interface RestGoal {
  id: number;
  userId: number;
  goalType: string;
  state: 'active' | 'achieved' | 'abandoned';
  targetValue: number;
  currentValue: number;
  progress: number;
}

/** A recorded health action (schemas/rest/user/health-action.json). */
export interface RestHealthAction {
  id: number;
  userId: number;
  recordType: string;
  value: number | null;
  value2: number | null;
  measuredAt: string;
  deviceBindingId: number | null;
  goalsAdvanced?: RestGoal[];
}

/** A device binding (schemas/rest/user/device-binding.json). */
export interface RestBinding {
  id: number;
  userId: number;
  deviceType: string;
  serial: string | null;
  active: boolean;
}

export interface RestReading {
  recordType: string;
  measuredAt: string;
  value: number;
  value2?: number;
}

export interface UserRestClient {
  healthData(uid: number, query: string): Promise<void>;
  recordHealthAction(uid: number, body: { recordType: string; value: number; value2?: number; measuredAt: string; note: string }, idempotencyKey: string): Promise<RestHealthAction>;
  healthAction(uid: number, id: number): Promise<RestHealthAction>;
  putGoals(uid: number, goals: { goalType: string; targetValue: number }[]): Promise<{ goals: RestGoal[]; created: number[]; abandoned: number[] }>;
  goal(uid: number, id: number): Promise<RestGoal>;
  bindDevice(uid: number, body: { deviceType: string; vendor: string; serial: string }, idempotencyKey: string): Promise<RestBinding>;
  binding(uid: number, id: number): Promise<RestBinding>;
  setBindingActive(uid: number, id: number, active: boolean): Promise<RestBinding>;
  syncReadings(uid: number, bindingId: number, readings: RestReading[], idempotencyKey: string): Promise<{ accepted: number; duplicates: number }>;
}

/**
 * The user service's REST API as a member's app calls it (bearer token per user,
 * Idempotency-Key on every create). Any answer other than the documented success throws: the
 * drill counts it as failed.
 */
export function userRestClient(baseUrl: string, tokens: Record<string, string>): UserRestClient {
  const api = bearerRest(baseUrl, tokens);
  const call = (method: RestVerb, path: string, uid: number, expected: number[], body?: unknown, idempotencyKey?: string) => api.expect<Record<string, unknown>>(method, path, uid, expected, body, idempotencyKey);
  return {
    async healthData(uid, query) {
      await call('GET', `/users/${uid}/health-data${query}`, uid, [200]);
    },
    recordHealthAction: async (uid, body, key) => (await call('POST', `/users/${uid}/health-actions`, uid, [201], body, key)) as unknown as RestHealthAction,
    healthAction: async (uid, id) => (await call('GET', `/users/${uid}/health-actions/${id}`, uid, [200])) as unknown as RestHealthAction,
    putGoals: async (uid, goals) => (await call('PUT', `/users/${uid}/health-goals`, uid, [200, 201], { goals })) as unknown as { goals: RestGoal[]; created: number[]; abandoned: number[] },
    goal: async (uid, id) => (await call('GET', `/users/${uid}/health-goals/${id}`, uid, [200])) as unknown as RestGoal,
    bindDevice: async (uid, body, key) => (await call('POST', `/users/${uid}/device-bindings`, uid, [201], body, key)) as unknown as RestBinding,
    binding: async (uid, id) => (await call('GET', `/users/${uid}/device-bindings/${id}`, uid, [200])) as unknown as RestBinding,
    setBindingActive: async (uid, id, active) => (await call('PATCH', `/users/${uid}/device-bindings/${id}`, uid, [200], { active })) as unknown as RestBinding,
    syncReadings: async (uid, bindingId, readings, key) =>
      (await call('POST', `/users/${uid}/device-bindings/${bindingId}/readings`, uid, [200], { readings }, key)) as unknown as { accepted: number; duplicates: number },
  };
}
