import { updateRecords, type BehaviourRegistry, type CallContext, type ModelBehaviour, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { recordsMethod } from '../../kit/index.ts';
import { revokeCertifications, type CertificationWriter } from '../domain/certifications.ts';
import type { OpsBehaviourOptions } from './behaviour-options.ts';

/** `self.write(vals)` inside an ORM call: the engine's write (ACL, rules, missing records). */
function rpcCertificationWriter(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): CertificationWriter {
  return { write: async (ids, vals) => void (await updateRecords({ ctx, behaviours }, model, [...ids], { ...vals })) };
}

/** hp.certification (hp_growth/models/hp_certification.py): action_revoke, the domain's. */
export function certificationBehaviour(behaviours: BehaviourRegistry): ModelBehaviour {
  return {
    methods: {
      action_revoke: recordsMethod('HpCertification.action_revoke', [], (ctx, model, ids) => revokeCertifications(rpcCertificationWriter(ctx, behaviours, model), ids)),
    },
  };
}

/** hp_growth's models on a registry: each side of the cut gets the same rules, only `options` differ. */
export function registerGrowthBehaviours(behaviours: BehaviourRegistry, _options: OpsBehaviourOptions): void {
  behaviours.register('hp.certification', certificationBehaviour(behaviours));
}

/** The business methods hp_growth defines (OPS_BUSINESS_METHODS' line). */
export const GROWTH_BUSINESS_METHODS = { 'hp.certification': ['action_revoke'] } as const;
