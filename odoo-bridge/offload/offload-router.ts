import type { Request, Response } from 'express';
import { OdooError } from '../errors.ts';
import { isMissingBehaviour } from '../http/forwarding.ts';
import type { CallRouter, OffloadedAnswer, RouteDecision, RouteQuery } from '../routing/call-router.ts';
import { offloadableCall, OFFLOADABLE_READS, type OffloadableCall, type ReadClass } from './read-class.ts';
import { askUpstreamAgain, copyOfAnswer } from './upstream-copy.ts';
import { decodeUpstreamAnswer, isAuthenticationFailure, localAnswer, offloadTransportOf, type ComparableAnswer, type OffloadTransport } from './wire-answer.ts';

/** Where a class's calls go now: `learning` Odoo answers and Ficus compares; `promoted` Ficus answers; `upstream` Odoo alone. */
export type OffloadRoute = 'learning' | 'promoted' | 'upstream';

/** One answer to be compared off the hot path, after the client has it. */
export interface VerificationJob {
  offloadable: OffloadableCall;
  transport: OffloadTransport;
  /** `learning`: the client got Odoo's answer (`first`); `promoted`: the client got Ficus's. */
  phase: 'learning' | 'promoted';
  first: ComparableAnswer;
  /** Odoo's answer to the same request, asked again now; undefined when Odoo did not answer. */
  askOdoo(): Promise<ComparableAnswer | undefined>;
}

/** What the router asks of the read offload (migration/offload implements it over the control database). */
export interface ReadOffloadGate {
  /** The operator turned offload on for this database (by the name clients use). */
  enabled(database: string): boolean;
  route(readClass: ReadClass): OffloadRoute;
  /** Whether this promoted answer is also asked of Odoo and compared (the sampling rate after promotion). */
  sampleNow(readClass: ReadClass): boolean;
  submit(job: VerificationJob): void;
  answeredBy(readClass: ReadClass, by: 'ficus' | 'odoo'): void;
  /** Ficus cannot compute this class (a missing behaviour): Odoo answers it from now on. */
  refuse(readClass: ReadClass, reason: string): void;
}

/**
 * Wraps the gateway's router: a read it would send to the upstream Odoo (a module in phase
 * legacy, or a model of no module) over the external RPC API of a database with offload on
 * is answered per its class of call — by Odoo while the class is unproven (the client gets
 * Odoo's answer, a copy is compared off the hot path), by Ficus once promoted (a sample also
 * asked of Odoo and compared). Everything else is decided by the wrapped router alone:
 * writes, business methods, web-session and JSON-2 calls (Ficus cannot check an Odoo
 * session), and every module Ficus already answers.
 */
export function withReadOffload(inner: CallRouter, gate: ReadOffloadGate, upstreamTimeoutMs: number): CallRouter {
  const offloaded = (query: RouteQuery, decision: RouteDecision): RouteDecision => {
    if (decision.kind !== 'upstream' || !query.rpc || !query.database || !query.method || !OFFLOADABLE_READS.has(query.method) || !gate.enabled(query.database)) return decision;
    const offloadable = offloadableCall(query);
    if (!offloadable) return decision;
    const route = gate.route(offloadable.readClass);
    if (route === 'upstream') return decision;
    const upstreamUrl = decision.upstream.url;
    return {
      kind: 'offload',
      upstream: decision.upstream,
      answer: route === 'promoted' ? answerFromFicus(gate, offloadable, upstreamUrl, upstreamTimeoutMs) : answerFromOdoo(gate, offloadable, upstreamUrl, upstreamTimeoutMs),
    };
  };
  return (query) => {
    const decision = inner(query);
    return decision instanceof Promise ? decision.then((d) => offloaded(query, d)) : offloaded(query, decision);
  };
}

/** Unproven class: Odoo answers the client; a copy of its answer goes to verification. */
function answerFromOdoo(gate: ReadOffloadGate, offloadable: OffloadableCall, upstreamUrl: string, timeoutMs: number): OffloadedAnswer {
  return async ({ req, res, forward }) => {
    const transport = offloadTransportOf(req.path);
    if (!transport) return forward();
    const copy = copyOfAnswer(res);
    let body: Buffer | undefined;
    let answered;
    try {
      answered = await forward();
    } finally {
      body = copy.finish();
    }
    gate.answeredBy(offloadable.readClass, 'odoo');
    const first = body && res.statusCode === 200 ? decodeUpstreamAnswer(transport, body) : undefined;
    if (first !== undefined && !isAuthenticationFailure(first)) {
      gate.submit({ offloadable, transport, phase: 'learning', first, askOdoo: () => askOdooAgain(upstreamUrl, req, transport, timeoutMs) });
    }
    return answered;
  };
}

/**
 * Promoted class: Ficus answers. Credentials Ficus does not accept and behaviour it cannot run
 * go to Odoo instead (Odoo is the authority on both); a sample of answers is compared with
 * Odoo's after the client has Ficus's.
 */
function answerFromFicus(gate: ReadOffloadGate, offloadable: OffloadableCall, upstreamUrl: string, timeoutMs: number): OffloadedAnswer {
  return async <T, A>({ req, res, local, forward }: { req: Request; res: Response; local: () => Promise<T>; forward: () => Promise<A> }) => {
    const transport = offloadTransportOf(req.path);
    if (!transport) return forward();
    // The arguments as the client sent them, kept before the engine sees them (it may normalise them in place).
    const sample = gate.sampleNow(offloadable.readClass) ? copied(offloadable) : undefined;
    let settled: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      settled = { ok: true, value: await local() };
    } catch (error) {
      settled = { ok: false, error };
    }
    if (!settled.ok && !res.headersSent && (isAccessDenied(settled.error) || isMissingBehaviour(settled.error))) {
      if (isMissingBehaviour(settled.error)) gate.refuse(offloadable.readClass, (settled.error as OdooError).message);
      gate.answeredBy(offloadable.readClass, 'odoo');
      return forward();
    }
    gate.answeredBy(offloadable.readClass, 'ficus');
    if (sample) {
      gate.submit({ offloadable: sample, transport, phase: 'promoted', first: localAnswer(transport, settled), askOdoo: () => askOdooAgain(upstreamUrl, req, transport, timeoutMs) });
    }
    if (!settled.ok) throw settled.error;
    return settled.value;
  };
}

async function askOdooAgain(upstreamUrl: string, req: Request, transport: OffloadTransport, timeoutMs: number): Promise<ComparableAnswer | undefined> {
  const answer = await askUpstreamAgain(upstreamUrl, req, timeoutMs);
  return answer && answer.status === 200 ? decodeUpstreamAnswer(transport, answer.body) : undefined;
}

function copied(offloadable: OffloadableCall): OffloadableCall | undefined {
  try {
    return { ...offloadable, call: { ...offloadable.call, args: structuredClone(offloadable.call.args), kwargs: structuredClone(offloadable.call.kwargs) } };
  } catch {
    return undefined; // a value structuredClone cannot copy: this answer is not sampled
  }
}

function isAccessDenied(error: unknown): boolean {
  return error instanceof OdooError && error.exceptionName === 'odoo.exceptions.AccessDenied';
}
