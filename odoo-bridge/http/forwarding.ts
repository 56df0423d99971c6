import type { Request, Response } from 'express';
import { OdooError } from '../errors.ts';
import { UpstreamUnavailable } from '../proxy/upstream-odoo.ts';
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
  try {
    await decision.upstream.forward(req, res);
  } catch (error) {
    if (error instanceof UpstreamUnavailable) throw new OdooError('builtins.Exception', error.message);
    throw error;
  }
  return ANSWERED_UPSTREAM;
}
