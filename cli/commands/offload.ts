import { InvalidArgumentError, type Command } from 'commander';
import pg from 'pg';
import { ensureControlSchema } from '../../migration/control/store/control-schema.ts';
import { readOffloadStatus, resetClasses } from '../../migration/offload/offload-store.ts';
import { renderOffloadStatus } from '../../migration/offload/offload-status-text.ts';
import { loadConfig } from '../../runtime/config.ts';
import { embeddedUrl } from '../../runtime/embedded-postgres.ts';
import { CONTROL_DATABASE } from '../../runtime/embedded-runner.ts';
import { describeDatabases } from '../databases-used.ts';
import { embeddedClusterForCommand } from '../embedded-cluster-for-cli.ts';

interface OffloadCliOptions {
  controlUrl?: string;
  database?: string;
  model?: string;
  json?: boolean;
  demoted?: boolean;
  refused?: boolean;
}

/**
 * `ficus offload status`: every class of legacy read the gateways have seen, its samples, state
 * and last difference (read from the control database; works whether Ficus runs or not).
 * `ficus offload reset <class…> | --demoted | --refused`: those classes learn again from zero
 * (after the engine was fixed); running gateways follow at once.
 */
export function registerOffload(program: Command): void {
  const offload = program.command('offload').description("read offload in front of LEGACY_ODOO_URL: which classes of read Ficus answers itself, and why");
  const common = (cmd: Command) => cmd.option('--control-url <url>', `control database (default: ${CONTROL_DATABASE} in the embedded cluster)`).option('--json', 'print the result as JSON');

  common(offload.command('status').description('each class of read: fields, state, samples, differences, the last difference'))
    .option('--database <name>', 'only this database (as clients name it)')
    .option('--model <model>', 'only this model')
    .action((o: OffloadCliOptions) =>
      withControl(o, async (control) => {
        const classes = await readOffloadStatus(control, { ...(o.database ? { database: o.database } : {}), ...(o.model ? { model: o.model } : {}) });
        process.stdout.write(o.json ? `${JSON.stringify(classes)}\n` : renderOffloadStatus(classes));
      }),
    );

  common(offload.command('reset').argument('[classes...]', 'class ids as `ficus offload status` shows them').description('let classes learn again from zero (a new generation)'))
    .option('--demoted', 'every demoted class')
    .option('--refused', 'every refused class')
    .action((ids: string[], o: OffloadCliOptions) => {
      if (!ids.length && !o.demoted && !o.refused) throw new InvalidArgumentError('name the classes to reset, or --demoted / --refused');
      return withControl(o, async (control) => {
        const reset = await resetClasses(control, { ids, states: [...(o.demoted ? ['demoted' as const] : []), ...(o.refused ? ['refused' as const] : [])] });
        const unknown = ids.filter((id) => !reset.includes(id));
        process.stdout.write(o.json ? `${JSON.stringify({ reset, unknown })}\n` : `${reset.length} class${reset.length === 1 ? '' : 'es'} reset${reset.length ? `: ${reset.join(', ')}` : ''}\n${unknown.length ? `not found: ${unknown.join(', ')}\n` : ''}`);
        if (unknown.length) process.exitCode = 1;
      });
    });
}

/** The control database, from --control-url or the embedded cluster (started for the command when Ficus is not running). */
async function withControl(o: OffloadCliOptions, work: (control: pg.Pool) => Promise<void>): Promise<void> {
  let controlUrl = o.controlUrl;
  let stopCluster: () => Promise<void> = async () => undefined;
  if (!controlUrl) {
    const config = loadConfig();
    stopCluster = await embeddedClusterForCommand(config);
    controlUrl = embeddedUrl(config.postgresPort, CONTROL_DATABASE);
  }
  if (!o.json) process.stderr.write(describeDatabases({ control: controlUrl }));
  const control = new pg.Pool({ connectionString: controlUrl, max: 2, application_name: 'ficus_offload_cli' });
  control.on('error', () => undefined);
  try {
    await ensureControlSchema(control);
    await work(control);
  } finally {
    await control.end();
    await stopCluster();
  }
}
