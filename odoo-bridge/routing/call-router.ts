import type { Request, Response } from 'express';
import type { UpstreamOdoo } from '../proxy/upstream-odoo.ts';

/** Where one request is answered: by Ficus itself (ORM engine or owning service), or by the upstream Odoo. */
export type RouteDecision =
  /**
   * `fallback`: an upstream Odoo that may answer the same request when Ficus cannot answer it
   * exactly (a missing-behaviour refusal, which changes nothing): a client never sees "Ficus
   * cannot run" while an Odoo that can is reachable.
   */
  | { kind: 'local'; fallback?: UpstreamOdoo }
  | { kind: 'upstream'; upstream: UpstreamOdoo }
  /**
   * A read the upstream would answer that Ficus may answer itself once its class of call was
   * verified equal to the upstream's answers (odoo-bridge/offload): `answer` picks, per call,
   * the upstream (`forward`) or Ficus (`local`), and has answers compared off the hot path.
   */
  | { kind: 'offload'; upstream: UpstreamOdoo; answer: OffloadedAnswer };

/** How an offloaded read is answered: `forward` sends the raw request upstream, `local` answers it in Ficus. */
export type OffloadedAnswer = <T, A>(parts: { req: Request; res: Response; local: () => Promise<T>; forward: () => Promise<A> }) => Promise<T | A>;

/** What is known about a request when it is routed; model and method only for model calls. */
export interface RouteQuery {
  database?: string;
  model?: string;
  method?: string;
  /** The object service's RPC method (`execute_kw`, `execute`) and positional params, for the read offload's class of call. */
  rpc?: { method: string; params: readonly unknown[] };
}

/**
 * The gateway's one routing function. Every transport asks it once per request, after parsing
 * and before authenticating (the upstream Odoo authenticates what it answers). The migration
 * control plane replaces it with one that reads each module's phase (phase-routing.ts); that
 * one may answer asynchronously, to hold a write of a frozen module until the freeze lifts.
 */
export type CallRouter = (query: RouteQuery) => RouteDecision | Promise<RouteDecision>;

/** No upstream: Ficus answers everything. With one: every request goes to it, as a transparent proxy. */
export function staticRouter(upstream: UpstreamOdoo | undefined): CallRouter {
  const decision: RouteDecision = upstream ? { kind: 'upstream', upstream } : { kind: 'local' };
  return () => decision;
}
