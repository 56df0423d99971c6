import type { Request, Response } from 'express';
import { OdooError } from '../errors.ts';
import { UpstreamUnavailable, type UpstreamOdoo } from '../proxy/upstream-odoo.ts';
import type { CallRouter, RouteQuery } from '../routing/call-router.ts';

/** A route handler's way of saying "the upstream already wrote the answer". */
export const ANSWERED_UPSTREAM = Symbol('answered by the upstream Odoo');

/**
 * Asks the router; when the upstream answers, forwards the raw request and returns
 * ANSWERED_UPSTREAM. Upstream failures become an OdooError the transport answers in its own shape.
 */
export async function forwardIfRouted(router: CallRouter, query: RouteQuery, req: Request, res: Response): Promise<typeof ANSWERED_UPSTREAM | undefined> {
  const decision = await router(query);
  if (decision.kind !== 'upstream') return undefined;
  return forwardTo(decision.upstream, req, res);
}

/**
 * Routes the request; when Ficus answers it and refuses with a missing-behaviour error (which
 * changed nothing: each call is one transaction), the same raw request goes to the upstream Odoo
 * the router named as fallback, so that Odoo's own Python answers it.
 */
export async function answerRouted<T>(router: CallRouter, query: RouteQuery, req: Request, res: Response, local: () => Promise<T>): Promise<T | typeof ANSWERED_UPSTREAM> {
  const routed = router(query);
  // Most routers decide synchronously: awaiting a plain value would still cost a promise and a turn.
  const decision = routed instanceof Promise ? await routed : routed;
  if (decision.kind === 'upstream') return forwardTo(decision.upstream, req, res);
  if (decision.kind === 'offload') return decision.answer({ req, res, local, forward: () => forwardTo(decision.upstream, req, res) });
  try {
    return await local();
  } catch (error) {
    if (decision.fallback && isMissingBehaviour(error) && !res.headersSent) return forwardTo(decision.fallback, req, res);
    throw error;
  }
}

/** errors.ts `missingBehaviour`: the one refusal that means "Odoo's Python would answer this". */
export function isMissingBehaviour(error: unknown): boolean {
  return error instanceof OdooError && error.exceptionName === 'odoo.exceptions.UserError' && error.message.startsWith('Ficus cannot run ');
}

async function forwardTo(upstream: UpstreamOdoo, req: Request, res: Response): Promise<typeof ANSWERED_UPSTREAM> {
  try {
    await upstream.forward(req, res);
  } catch (error) {
    if (error instanceof UpstreamUnavailable) throw new OdooError('builtins.Exception', error.message);
    throw error;
  }
  return ANSWERED_UPSTREAM;
}
