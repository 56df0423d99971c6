import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReadClass } from '../../odoo-bridge/offload/read-class.ts';
import { OFFLOAD_STATES, type OffloadState } from './offload-book.ts';

export type VerificationOutcome = 'match' | 'timing' | 'difference' | 'refused' | 'unverified' | 'skipped';

/**
 * The read offload's metrics:
 * - `ficus_offload_answers_total{database,by}`: offloadable reads answered by Ficus or by Odoo;
 * - `ficus_offload_verifications_total{database,phase,outcome}`: comparisons (learning, or a
 *   promoted class's sample) and their outcome;
 * - `ficus_offload_demotions_total{database,model,method,class}`: classes sent back to Odoo at
 *   a difference (a series per demoted class: few, and each one is a finding);
 * - `ficus_offload_promotions_total{database}`;
 * - `ficus_offload_classes{state}`: classes this gateway knows, by state.
 */
export class OffloadMetrics {
  readonly #answers: Counter;
  readonly #verifications: Counter;
  readonly #demotions: Counter;
  readonly #promotions: Counter;

  constructor(registry: Registry, countByState: () => Record<OffloadState, number>) {
    const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
    this.#answers =
      existing<Counter>('ficus_offload_answers_total') ??
      new Counter({ name: 'ficus_offload_answers_total', help: 'Offloadable legacy reads, by who answered the client (ficus, odoo)', labelNames: ['database', 'by'], registers: [registry] });
    this.#verifications =
      existing<Counter>('ficus_offload_verifications_total') ??
      new Counter({ name: 'ficus_offload_verifications_total', help: "Comparisons of Ficus's answer with Odoo's for read offload, by phase (learning, promoted) and outcome", labelNames: ['database', 'phase', 'outcome'], registers: [registry] });
    this.#demotions =
      existing<Counter>('ficus_offload_demotions_total') ??
      new Counter({ name: 'ficus_offload_demotions_total', help: 'Classes of read sent back to Odoo at their first difference (class: the id `ficus offload status` shows)', labelNames: ['database', 'model', 'method', 'class'], registers: [registry] });
    this.#promotions =
      existing<Counter>('ficus_offload_promotions_total') ??
      new Counter({ name: 'ficus_offload_promotions_total', help: 'Classes of read Ficus answers itself after enough equal comparisons', labelNames: ['database'], registers: [registry] });
    registry.removeSingleMetric('ficus_offload_classes');
    new Gauge({
      name: 'ficus_offload_classes',
      help: 'Classes of read this gateway knows, by state (learning, promoted, demoted, refused)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const counts = countByState();
        for (const state of OFFLOAD_STATES) this.set({ state }, counts[state]);
      },
    });
  }

  answered(readClass: ReadClass, by: 'ficus' | 'odoo'): void {
    this.#answers.inc({ database: readClass.database, by });
  }

  verified(readClass: ReadClass, phase: 'learning' | 'promoted', outcome: VerificationOutcome): void {
    this.#verifications.inc({ database: readClass.database, phase, outcome });
  }

  demoted(readClass: ReadClass): void {
    this.#demotions.inc({ database: readClass.database, model: readClass.model, method: readClass.method, class: readClass.id });
  }

  promoted(readClass: ReadClass): void {
    this.#promotions.inc({ database: readClass.database });
  }
}
