import { provisionServiceDatabase } from '../../kit/db/provision.ts';
import { DYNAMIC_MIGRATIONS } from './migrations.ts';

/** Creates svc_dynamic when missing and brings it to the kit's tables and dynamic's own. */
export function provisionDynamicDatabase(serviceUrl: string): Promise<void> {
  return provisionServiceDatabase(serviceUrl, DYNAMIC_MIGRATIONS);
}
