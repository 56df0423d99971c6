import { OdooError } from '../odoo-bridge/errors.ts';
import type { CallHandler } from '../odoo-bridge/call.ts';
import { decodeAnswer, encodeCall } from '../odoo-bridge/routing/remote-call-codec.ts';
import { INTERNAL_SIGNATURE_HEADER, signInternalRequest } from '../services/kit/http/internal-signature.ts';
import { INTERNAL_ODOO_CALL_PATH } from '../services/kit/runner/internal-odoo-endpoint.ts';
import { outgoingHeaders } from '../platform/work-context.ts';
import { NoInstanceAnswered, type ServiceInstances } from './remote-instances.ts';

export interface RemoteOdooCallsOptions {
  instances: ServiceInstances;
  secret: string;
  /** Whether a method only reads (migration/control/call-kinds.ts): only those are sent again after an ambiguous failure. */
  isReadMethod(method: string): boolean;
}

/**
 * The call handler of a module whose service runs apart: the phase routing hands it the calls it
 * would give the service's engine in embedded mode (phase service, canary's share, shadow's
 * comparison reads), and it posts them, signed, to one of the service's instances, which runs the
 * same engine call (services/kit/runner/internal-odoo-endpoint.ts). A read whose instance died
 * mid-call is asked of the next one; a write only moves on when it never left (connection
 * refused): Odoo's protocols carry no idempotency key, so a write whose instance died after
 * receiving it answers ServiceUnavailable, with the outcome unknown (the client reads back to
 * learn it, as after any lost answer from Odoo).
 */
export function remoteOdooCalls(options: RemoteOdooCallsOptions): CallHandler {
  const { instances, secret } = options;
  return async (call) => {
    const body = Buffer.from(encodeCall(call));
    let response;
    try {
      response = await instances.send(
        // The request's trace goes along (its span is the parent of the instance's), unsigned: it only links spans.
        { method: 'POST', path: INTERNAL_ODOO_CALL_PATH, body, headers: { 'content-type': 'application/json', [INTERNAL_SIGNATURE_HEADER]: signInternalRequest(secret, 'POST', INTERNAL_ODOO_CALL_PATH, body), ...outgoingHeaders() } },
        { idempotent: options.isReadMethod(call.method) },
      );
    } catch (error) {
      if (error instanceof NoInstanceAnswered) throw unavailable(instances.service, call.model, call.method, error.outcomeUnknown);
      throw error;
    }
    if (response.status !== 200) {
      // A refused signature is a deployment error (secrets differ), never the client's: say so in the gateway's log only.
      throw new Error(`service ${instances.service} answered ${response.status} to an internal Odoo call (${response.status === 401 ? 'FICUS_INTERNAL_SECRET differs between the gateway and the service' : 'see its log'})`);
    }
    return decodeAnswer(response.body.toString('utf8'));
  };
}

/** werkzeug's 503, as Odoo behind a proxy with no live worker answers; each protocol renders it its own way. */
function unavailable(service: string, model: string, method: string, outcomeUnknown: boolean): OdooError {
  const detail = outcomeUnknown
    ? `The service answering ${model}.${method} stopped while running it: whether it was done is unknown; read the records again before repeating it.`
    : `No instance of the service answering ${model} (${service}) is reachable. Please try again later.`;
  return new OdooError('werkzeug.exceptions.ServiceUnavailable', `503 Service Unavailable: ${detail}`);
}
