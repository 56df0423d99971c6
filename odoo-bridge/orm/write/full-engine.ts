import type { ServedDatabase } from '../../call.ts';
import { createAccessPolicy, type AccessPolicyOptions } from '../access/access-policy.ts';
import { createOrmEngine, type OrmEngine } from '../engine.ts';
import type { BehaviourRegistry } from './behaviour-registry.ts';
import { coreBehaviours } from './core/core-behaviours.ts';
import { businessMethodResolver, writeMethods } from './write-methods.ts';
import { resequenceWork } from './resequence.ts';

/**
 * The ORM engine with everything plugged in: the real access policy (ACLs + record rules),
 * the write methods, registered Python behaviour (core models + whatever services add) and
 * business-method dispatch. This is what a served database should be answered with.
 */
export function createFullOrmEngine(options: {
  database: ServedDatabase;
  behaviours?: BehaviourRegistry;
  filestore?: string | null;
  access?: AccessPolicyOptions;
}): OrmEngine {
  const access = createAccessPolicy(options.database, options.access);
  const behaviours = options.behaviours ?? coreBehaviours();
  return createOrmEngine({
    database: options.database,
    access,
    methods: writeMethods({ behaviours, onAccessChange: () => access.invalidate() }),
    resolveMethod: businessMethodResolver(behaviours),
    webRoutes: { resequence: (methods) => (ctx, model, args) => resequenceWork(methods)(ctx, model, { ids: args.ids, field: args.field, offset: args.offset }) },
    filestore: options.filestore ?? null,
  });
}
