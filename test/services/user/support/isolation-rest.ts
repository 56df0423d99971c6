import { M02_MODELS, type M02Model, type UserIsolationStack } from './isolation-stack.ts';
import { ownersOf, rowsOf } from './isolation-calls.ts';

/** One REST/FHIR answer. */
interface RestAnswer {
  status: number;
  body: unknown;
  raw: string;
}

interface Who {
  attacker: number;
  victim: number;
}

/** A request a member sends about another member's data, and how to judge its answer (null: isolation holds). */
export interface RestAttempt {
  /** The route it exercises, as `METHOD /path` of the service's route table. */
  route: string;
  run(stack: UserIsolationStack, who: Who, send: Send): Promise<string | null>;
}

type Send = (method: string, path: string, body?: unknown) => Promise<RestAnswer>;

const refused = (a: RestAnswer) => (a.status === 403 || a.status === 404 ? null : `answered ${a.status} instead of refusing: ${a.raw.slice(0, 300)}`);
const notFound = (a: RestAnswer) => (a.status === 404 || a.status === 403 ? null : `answered ${a.status} for another member's row: ${a.raw.slice(0, 300)}`);

async function firstIdOf(stack: UserIsolationStack, model: M02Model, uid: number): Promise<number> {
  const { rows } = await stack.rows().query<{ id: number }>(`SELECT id FROM ${M02_MODELS[model]} WHERE user_id = $1 ORDER BY id LIMIT 1`, [uid]);
  if (!rows[0]) throw new Error(`user ${uid} has no ${model}`);
  return rows[0].id;
}

/** Every item of a list answer must be the attacker's (by the ids the items carry, looked up where the rows live). */
async function ownItems(stack: UserIsolationStack, model: M02Model, attacker: number, a: RestAnswer, items: unknown[] | undefined): Promise<string | null> {
  if (a.status !== 200 || !Array.isArray(items)) return `answered ${a.status} where the attacker's own list was due: ${a.raw.slice(0, 300)}`;
  const ids = items.map((i) => Number((i as { id: unknown }).id));
  const owners = await ownersOf(stack.rows(), model, ids);
  if (owners.length !== ids.length) return `answered ids that are not ${model} rows`;
  const foreign = owners.filter((o) => o !== attacker);
  return foreign.length ? `answered ${foreign.length} ${model} rows of users ${[...new Set(foreign)].join(', ')}` : null;
}

/** FHIR resources name their member as Patient/<uid>; every entry of a searchset must be the attacker's. */
function ownEntries(a: RestAnswer, attacker: number): string | null {
  if (a.status !== 200) return `answered ${a.status} where the attacker's own bundle was due: ${a.raw.slice(0, 300)}`;
  const entries = ((a.body as { entry?: { resource: Record<string, unknown> }[] }).entry ?? []).filter((e) => e.resource.resourceType !== 'OperationOutcome');
  const others = entries.filter((e) => {
    const r = e.resource as { subject?: { reference?: string }; patient?: { reference?: string } };
    const reference = r.subject?.reference ?? r.patient?.reference ?? '';
    return !reference.endsWith(`Patient/${attacker}`);
  });
  return others.length ? `bundle holds ${others.length} resources of other members: ${JSON.stringify(others[0]).slice(0, 300)}` : null;
}

/** A search naming the victim must refuse or find nothing. */
function nothingOfVictim(a: RestAnswer): string | null {
  if (a.status === 403 || a.status === 404) return null;
  if (a.status !== 200) return `answered ${a.status}: ${a.raw.slice(0, 300)}`;
  const entries = ((a.body as { entry?: { resource: { resourceType: string } }[] }).entry ?? []).filter((e) => e.resource.resourceType !== 'OperationOutcome');
  return entries.length ? `answered ${entries.length} resources of the victim` : null;
}

const PERIODS = ['day', 'week', 'month'] as const;

export const REST_ATTEMPTS = {
  "health-data of the victim, raw": {
    route: 'GET /users/:id/health-data',
    run: async (_s, who, send) => refused(await send('GET', `/users/${who.victim}/health-data`)),
  },
  "health-data of the victim, aggregated": {
    route: 'GET /users/:id/health-data',
    run: async (_s, who, send) => refused(await send('GET', `/users/${who.victim}/health-data?aggregate=${PERIODS[who.attacker % 3]}`)),
  },
  'own health-data, raw: only own readings': {
    route: 'GET /users/:id/health-data',
    run: async (s, who, send) => {
      const a = await send('GET', `/users/${who.attacker}/health-data?limit=500`);
      return ownItems(s, 'hp.health.record', who.attacker, a, (a.body as { items?: unknown[] }).items);
    },
  },
  'own health-data aggregated: counts of own readings only': {
    route: 'GET /users/:id/health-data',
    run: async (s, who, send) => {
      const period = PERIODS[who.victim % 3]!;
      const counts = new Map<string, number>();
      let path: string | null = `/users/${who.attacker}/health-data?aggregate=${period}&limit=500`;
      while (path) {
        const a = await send('GET', path);
        if (a.status !== 200) return `answered ${a.status} for the attacker's own aggregates: ${a.raw.slice(0, 300)}`;
        const page = a.body as { items: { type: string; count: number }[]; next: string | null };
        for (const item of page.items) counts.set(item.type, (counts.get(item.type) ?? 0) + item.count);
        path = page.next;
      }
      const { rows } = await s.rows().query<{ type: string; count: number }>('SELECT record_type AS type, count(*)::int AS count FROM health_records WHERE user_id = $1 GROUP BY 1', [who.attacker]);
      const expected = new Map(rows.map((r) => [r.type, r.count]));
      const differing = [...new Set([...counts.keys(), ...expected.keys()])].filter((t) => counts.get(t) !== expected.get(t));
      return differing.length ? `per-${period} aggregates count ${differing.map((t) => `${t} ${counts.get(t) ?? 0} (own ${expected.get(t) ?? 0})`).join(', ')}` : null;
    },
  },
  'health-goals of the victim': {
    route: 'GET /users/:id/health-goals',
    run: async (_s, who, send) => refused(await send('GET', `/users/${who.victim}/health-goals`)),
  },
  'own health-goals: only own': {
    route: 'GET /users/:id/health-goals',
    run: async (s, who, send) => {
      const a = await send('GET', `/users/${who.attacker}/health-goals?limit=200`);
      return ownItems(s, 'hp.health.goal', who.attacker, a, (a.body as { items?: unknown[] }).items);
    },
  },
  "the victim's goal under its own path": {
    route: 'GET /users/:id/health-goals/:goalId',
    run: async (s, who, send) => notFound(await send('GET', `/users/${who.victim}/health-goals/${await firstIdOf(s, 'hp.health.goal', who.victim)}`)),
  },
  "the victim's goal under the attacker's path": {
    route: 'GET /users/:id/health-goals/:goalId',
    run: async (s, who, send) => notFound(await send('GET', `/users/${who.attacker}/health-goals/${await firstIdOf(s, 'hp.health.goal', who.victim)}`)),
  },
  'PUT health-goals of the victim': {
    route: 'PUT /users/:id/health-goals',
    run: async (_s, who, send) => refused(await send('PUT', `/users/${who.victim}/health-goals`, { goals: [{ goalType: 'steps', targetValue: 5 }] })),
  },
  "PUT own health-goals naming the victim's goal": {
    route: 'PUT /users/:id/health-goals',
    run: async (s, who, send) => {
      const a = await send('PUT', `/users/${who.attacker}/health-goals`, { goals: [{ id: await firstIdOf(s, 'hp.health.goal', who.victim), state: 'abandoned' }] });
      return a.status >= 400 && a.status < 500 ? null : `answered ${a.status}: ${a.raw.slice(0, 300)}`;
    },
  },
  'health-action for the victim': {
    route: 'POST /users/:id/health-actions',
    run: async (_s, who, send) => refused(await send('POST', `/users/${who.victim}/health-actions`, { recordType: 'steps', value: 100 })),
  },
  "the victim's health action under its own path": {
    route: 'GET /users/:id/health-actions/:actionId',
    run: async (s, who, send) => notFound(await send('GET', `/users/${who.victim}/health-actions/${await firstIdOf(s, 'hp.health.record', who.victim)}`)),
  },
  "the victim's health action under the attacker's path": {
    route: 'GET /users/:id/health-actions/:actionId',
    run: async (s, who, send) => notFound(await send('GET', `/users/${who.attacker}/health-actions/${await firstIdOf(s, 'hp.health.record', who.victim)}`)),
  },
  'device-bindings of the victim': {
    route: 'GET /users/:id/device-bindings',
    run: async (_s, who, send) => refused(await send('GET', `/users/${who.victim}/device-bindings?active=all`)),
  },
  'own device-bindings: only own': {
    route: 'GET /users/:id/device-bindings',
    run: async (s, who, send) => {
      const a = await send('GET', `/users/${who.attacker}/device-bindings?active=all&limit=200`);
      return ownItems(s, 'hp.device.binding', who.attacker, a, (a.body as { items?: unknown[] }).items);
    },
  },
  "the victim's binding under the attacker's path": {
    route: 'GET /users/:id/device-bindings/:bindingId',
    run: async (s, who, send) => notFound(await send('GET', `/users/${who.attacker}/device-bindings/${await firstIdOf(s, 'hp.device.binding', who.victim)}`)),
  },
  "the victim's binding under its own path": {
    route: 'GET /users/:id/device-bindings/:bindingId',
    run: async (s, who, send) => notFound(await send('GET', `/users/${who.victim}/device-bindings/${await firstIdOf(s, 'hp.device.binding', who.victim)}`)),
  },
  "unbind the victim's device": {
    route: 'PATCH /users/:id/device-bindings/:bindingId',
    run: async (s, who, send) => notFound(await send('PATCH', `/users/${who.victim}/device-bindings/${await firstIdOf(s, 'hp.device.binding', who.victim)}`, { active: false })),
  },
  "unbind the victim's device under the attacker's path": {
    route: 'PATCH /users/:id/device-bindings/:bindingId',
    run: async (s, who, send) => notFound(await send('PATCH', `/users/${who.attacker}/device-bindings/${await firstIdOf(s, 'hp.device.binding', who.victim)}`, { active: false })),
  },
  'bind a device for the victim': {
    route: 'POST /users/:id/device-bindings',
    run: async (_s, who, send) => refused(await send('POST', `/users/${who.victim}/device-bindings`, { deviceType: 'watch', vendor: 'Isolation', serial: `ISO-${who.attacker}-${who.victim}` })),
  },
  "readings into the victim's device": {
    route: 'POST /users/:id/device-bindings/:bindingId/readings',
    run: async (s, who, send) => notFound(await send('POST', `/users/${who.victim}/device-bindings/${await firstIdOf(s, 'hp.device.binding', who.victim)}/readings`, { readings: [{ recordType: 'steps', measuredAt: '2026-12-01T08:00:00Z', value: 1 }] })),
  },
  "readings into the victim's device under the attacker's path": {
    route: 'POST /users/:id/device-bindings/:bindingId/readings',
    run: async (s, who, send) => notFound(await send('POST', `/users/${who.attacker}/device-bindings/${await firstIdOf(s, 'hp.device.binding', who.victim)}/readings`, { readings: [{ recordType: 'steps', measuredAt: '2026-12-01T08:00:00Z', value: 1 }] })),
  },
} satisfies Record<string, RestAttempt>;

export type RestAttemptName = keyof typeof REST_ATTEMPTS;

/** FHIR's view of the same rows (routes/fhir.ts), added once its routes are in the service's table. */
export const FHIR_ATTEMPTS: Record<string, RestAttempt> = {
  'FHIR Observation of the victim': { route: 'GET /fhir/Observation', run: async (_s, who, send) => nothingOfVictim(await send('GET', `/fhir/Observation?subject=Patient/${who.victim}`)) },
  'FHIR Observation, every one visible: only own': { route: 'GET /fhir/Observation', run: async (_s, who, send) => ownEntries(await send('GET', '/fhir/Observation?_count=200'), who.attacker) },
  "FHIR Observation by the victim's record id": {
    route: 'GET /fhir/Observation/:id',
    run: async (s, who, send) => notFound(await send('GET', `/fhir/Observation/${await firstIdOf(s, 'hp.health.record', who.victim)}`)),
  },
  'FHIR Goal of the victim': { route: 'GET /fhir/Goal', run: async (_s, who, send) => nothingOfVictim(await send('GET', `/fhir/Goal?subject=Patient/${who.victim}`)) },
  'FHIR Goal, every one visible: only own': { route: 'GET /fhir/Goal', run: async (_s, who, send) => ownEntries(await send('GET', '/fhir/Goal?_count=200'), who.attacker) },
  "FHIR Goal by the victim's goal id": { route: 'GET /fhir/Goal/:id', run: async (s, who, send) => notFound(await send('GET', `/fhir/Goal/${await firstIdOf(s, 'hp.health.goal', who.victim)}`)) },
  'FHIR Device of the victim': { route: 'GET /fhir/Device', run: async (_s, who, send) => nothingOfVictim(await send('GET', `/fhir/Device?patient=Patient/${who.victim}`)) },
  'FHIR Device, every one visible: only own': { route: 'GET /fhir/Device', run: async (_s, who, send) => ownEntries(await send('GET', '/fhir/Device?_count=200'), who.attacker) },
  "FHIR Device by the victim's binding id": { route: 'GET /fhir/Device/:id', run: async (s, who, send) => notFound(await send('GET', `/fhir/Device/${await firstIdOf(s, 'hp.device.binding', who.victim)}`)) },
};

/** Runs one attempt as the attacker (a bearer token of the auth service's kind) and checks that none of the victim's M02 rows changed. */
export async function restBreach(stack: UserIsolationStack, attempt: RestAttempt, who: Who): Promise<string | null> {
  const token = stack.tokenOf(who.attacker);
  const send: Send = async (method, path, body) => {
    const response = await fetch(`${stack.stack.gatewayUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json, application/fhir+json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const raw = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // judged on status and raw text
    }
    return { status: response.status, body: parsed, raw };
  };
  const models = Object.keys(M02_MODELS) as M02Model[];
  const before = await Promise.all(models.map((m) => rowsOf(stack.rows(), m, who.victim)));
  const breach = await attempt.run(stack, who, send);
  if (breach) return breach;
  const after = await Promise.all(models.map((m) => rowsOf(stack.rows(), m, who.victim)));
  const changed = models.filter((_, i) => JSON.stringify(before[i]) !== JSON.stringify(after[i]));
  return changed.length ? `the victim's ${changed.join(', ')} rows changed` : null;
}
