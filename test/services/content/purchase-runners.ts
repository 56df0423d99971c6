import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { createLogger } from '../../../platform/logger.ts';
import content from '../../../services/content/index.ts';
import { CONTENT_PURCHASE_SAGA, RECORD_PURCHASE_STEP, type ContentPurchaseInput } from '../../../services/content/domain/purchase-saga.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { SagaRunner } from '../../../services/kit/index.ts';
import type { SagaBoundary } from '../../../services/kit/saga/saga.ts';
import type { KnowledgeSides } from './knowledge-sides.ts';

/** What a runner "dying" at a boundary throws: it writes nothing more, as a killed process would. */
export class ProcessDied extends Error {}

/**
 * content_purchase saga runners over a knowledge stack (its payments reach finance through the
 * stack's dispatch), made as a test needs them: one that dies at a step's boundary, or a healthy
 * one; and what the REST request does before its commit, record_purchase with the saga's row.
 */
export function purchaseRunners(stack: () => { sides: KnowledgeSides; db: Kysely<any> }) {
  const runners: SagaRunner[] = [];
  const runner = (dieAt?: { step: string; at: SagaBoundary }): SagaRunner => {
    const { sides, db } = stack();
    const owners = {
      pool: sides.service, legacyPool: sides.legacy,
      odoo: (call: { uid: number; model: string; method: string; args: unknown[]; kwargs?: Record<string, unknown> }) =>
        sides.dispatch({ database: 'hp_legacy', uid: call.uid, model: call.model, method: call.method, args: call.args, kwargs: call.kwargs ?? {} }),
    };
    const made = new SagaRunner({
      service: 'content', db, pool: sides.service, sagas: content.sagas!(owners), logger: createLogger({ level: 'silent', format: 'json' }), metrics: kitMetrics(new Registry()),
      maxActionAttempts: 2,
      onBoundary: (point) => {
        if (dieAt && point.step === dieAt.step && point.at === dieAt.at) throw new ProcessDied(`died ${point.at} ${point.step}`);
      },
    });
    runners.push(made);
    return made;
  };
  const recordAsRequest = (by: SagaRunner, sagaKey: string, input: ContentPurchaseInput) =>
    stack().db.transaction().execute((tx) => by.startInTransaction(CONTENT_PURCHASE_SAGA, sagaKey, input, tx, { through: RECORD_PURCHASE_STEP }));
  const stopAll = async () => {
    for (const r of runners) await r.stop();
  };
  return { runner, recordAsRequest, stopAll };
}
