import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommanderError } from 'commander';
import { ficusProgram } from '../../cli/program.ts';
import { loadServiceRoster } from '../../services/catalog.ts';

/**
 * The deployment files no machine here can start (no Docker engine, no cluster) are checked the
 * way their tools would check them: the compose file against the compose specification's schema
 * (check-jsonschema), every container's command through the `ficus` command line, the Kubernetes
 * kustomizations rendered (kubectl kustomize) and validated against Kubernetes 1.30's schemas in
 * strict mode (kubernetes-validate), the SLO alert rules with promtool (syntax, then unit tests
 * that make each alert fire). Each validator is also shown a planted error, so a validator that
 * accepts anything fails here. .ci/run installs the tools.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const K8S_VERSION = '1.30.0';

async function outcome(command: string, args: readonly string[], cwd = ROOT): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** The compose file as data (YAML through Python's ruamel, installed with check-jsonschema). */
async function composeAsJson(path: string): Promise<{ services: Record<string, { command?: string[]; image?: string; build?: unknown; environment?: Record<string, string> }> }> {
  const { stdout } = await run('python3', ['-c', 'import json,sys; from ruamel.yaml import YAML; print(json.dumps(YAML(typ="safe").load(open(sys.argv[1]))))', path]);
  return JSON.parse(stdout);
}

/**
 * How `ficus` takes a command line, without running it: its first word must name a subcommand
 * (with `--help`, commander would show the root help for an unknown one instead of refusing it),
 * and `command --help` makes commander check the rest and show the help instead of acting.
 */
async function parses(command: readonly string[]): Promise<string> {
  const program = ficusProgram({ writeOut: () => {}, writeErr: () => {} });
  const sub = program.commands.find((candidate) => candidate.name() === command[0]);
  if (!sub) return 'commander.unknownCommand';
  const words = command.slice(1).filter((word) => !word.startsWith('-'));
  if (words.length < sub.registeredArguments.filter((argument) => argument.required).length) return 'commander.missingArgument';
  try {
    await program.parseAsync(['node', 'ficus', ...command, '--help']);
    return 'ran';
  } catch (error) {
    return (error as CommanderError).code;
  }
}

let scratch: string;
let builtServices: string[];
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ficus-deploy-'));
  builtServices = (await loadServiceRoster()).definitions().map((definition) => definition.name).sort();
});
afterAll(async () => rm(scratch, { recursive: true, force: true }));

describe('docker-compose.yml', () => {
  it('passes the compose specification schema, and a planted error does not', async () => {
    const valid = await outcome('check-jsonschema', ['--builtin-schema', 'vendor.compose-spec', 'docker-compose.yml']);
    expect(valid.output).toContain('ok');
    expect(valid.code).toBe(0);
    const planted = join(scratch, 'compose-planted.yml');
    const text = await readFile(join(ROOT, 'docker-compose.yml'), 'utf8');
    await writeFile(planted, text.replace('  redis:\n    image: redis:7\n', '  redis:\n    image: redis:7\n    restart_policy: always\n'));
    const broken = await outcome('check-jsonschema', ['--builtin-schema', 'vendor.compose-spec', planted]);
    expect(broken.code).not.toBe(0);
    expect(broken.output).toContain('restart_policy');
  });

  it('every Ficus container\'s command is a command line `ficus` accepts, after the image\'s ENTRYPOINT', async () => {
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/ficus\.js"\]$/m);
    const compose = await composeAsJson(join(ROOT, 'docker-compose.yml'));
    const ficusContainers = Object.entries(compose.services).filter(([, container]) => container.build !== undefined || container.image === 'ficus:local');
    expect(ficusContainers.length).toBeGreaterThan(1);
    for (const [name, container] of ficusContainers) {
      const command = container.command ?? ['start'];
      expect(await parses(command), `${name}: ficus ${command.join(' ')}`).toBe('commander.helpDisplayed');
      if (command[0] === 'serve') expect(builtServices, `${name} serves ${command[1]}`).toContain(command[1]);
    }
    // A broken line (the image's ENTRYPOINT repeated) is refused, so the check can fail.
    expect(await parses(['npx', 'tsx', 'cli/ficus.ts', 'start'])).toBe('commander.unknownCommand');
    expect(await parses(['serve'])).toBe('commander.missingArgument');
  });

  it('runs every built service in a container of its own with its own database, and the gateway', async () => {
    const compose = await composeAsJson(join(ROOT, 'docker-compose.yml'));
    const served = Object.values(compose.services).filter((c) => c.command?.[0] === 'serve').map((c) => c.command![1]!).sort();
    expect(served).toEqual(builtServices);
    for (const container of Object.values(compose.services).filter((c) => c.command?.[0] === 'serve')) {
      const service = container.command![1]!;
      expect(container.environment?.[`FICUS_SERVICE_DB_${service.toUpperCase()}`]).toMatch(new RegExp(`/svc_${service}$`));
      expect(container.environment?.FICUS_BUS).toBe('kafka');
    }
    expect(compose.services.gateway?.command).toEqual(['start']);
    const databases = await readFile(join(ROOT, 'deploy/postgres/service-databases.sql'), 'utf8');
    for (const service of builtServices) expect(databases).toContain(`CREATE DATABASE svc_${service} `);
  });
});

describe('Kubernetes manifests (deploy/k8s)', () => {
  const render = async (overlay: string, root = join(ROOT, 'deploy/k8s')) => {
    const rendered = await outcome('kubectl', ['kustomize', join(root, 'overlays', overlay)]);
    expect(rendered.code, rendered.output).toBe(0);
    const file = join(scratch, `${overlay}-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, rendered.output);
    return { file, text: rendered.output };
  };

  for (const overlay of ['dev', 'production']) {
    it(`overlay ${overlay} renders and passes Kubernetes ${K8S_VERSION}'s schemas in strict mode`, async () => {
      const { file } = await render(overlay);
      const validated = await outcome('kubernetes-validate', ['-k', K8S_VERSION, '--strict', file]);
      expect(validated.code, validated.output).toBe(0);
      expect(validated.output).not.toMatch(/ERROR|WARN/);
    });
  }

  it('every built service has a Deployment with probes and resources, a Service, an HPA on it and a PDB', async () => {
    const { text } = await render('production');
    const objects = text.split(/^---$/m);
    const named = (kind: string, name: string) => objects.find((o) => o.includes(`kind: ${kind}\n`) && new RegExp(`^  name: ${name}$`, 'm').test(o));
    for (const service of [...builtServices, 'gateway']) {
      const deployment = named('Deployment', `ficus-${service}`);
      expect(deployment, `Deployment ficus-${service}`).toBeDefined();
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe', 'requests:', 'limits:']) expect(deployment, `${service} ${probe}`).toContain(probe);
      if (service !== 'gateway') expect(deployment).toMatch(new RegExp(`- serve\\n\\s+- ${service}\\n`));
      expect(named('Service', `ficus-${service}`), `Service ficus-${service}`).toBeDefined();
      expect(named('HorizontalPodAutoscaler', `ficus-${service}`)).toMatch(new RegExp(`kind: Deployment\\n\\s+name: ficus-${service}\\n`));
      expect(named('PodDisruptionBudget', `ficus-${service}`), `PDB ficus-${service}`).toBeDefined();
    }
    expect(text).toContain('kind: NetworkPolicy');
    expect(text).toContain('image: registry.example.com/ficus:0.1.0');
  });

  it('a planted error (a misspelt field) fails the validation', async () => {
    const copy = join(scratch, 'k8s-planted');
    await cp(join(ROOT, 'deploy/k8s'), copy, { recursive: true });
    const deployment = join(copy, 'base/service/deployment.yaml');
    await writeFile(deployment, (await readFile(deployment, 'utf8')).replace('terminationGracePeriodSeconds: 15', 'terminationGracePeriodSecond: 15'));
    const { file } = await render('dev', copy);
    const validated = await outcome('kubernetes-validate', ['-k', K8S_VERSION, '--strict', file]);
    expect(validated.code).not.toBe(0);
    expect(validated.output).toContain('terminationGracePeriodSecond');
  });
});

describe('SLO alert rules (deploy/prometheus)', () => {
  it('promtool accepts the rules and its unit tests see every alert fire on series that break its SLO', async () => {
    const checked = await outcome('promtool', ['check', 'rules', 'deploy/prometheus/slo-rules.yml']);
    expect(checked.code, checked.output).toBe(0);
    const tested = await outcome('promtool', ['test', 'rules', 'slo-rules.test.yml'], join(ROOT, 'deploy/prometheus'));
    expect(tested.code, tested.output).toBe(0);
    expect(tested.output).toContain('SUCCESS');
  });

  it('a planted error fails: a rule that no longer fires, and an expression that does not parse', async () => {
    const copy = join(scratch, 'prometheus-planted');
    await cp(join(ROOT, 'deploy/prometheus'), copy, { recursive: true });
    const rules = join(copy, 'slo-rules.yml');
    const text = await readFile(rules, 'utf8');
    await writeFile(rules, text.replace('expr: ficus:odoo_call_error_ratio:5m > 0.001', 'expr: ficus:odoo_call_error_ratio:5m > 0.1'));
    expect((await outcome('promtool', ['test', 'rules', 'slo-rules.test.yml'], copy)).code).not.toBe(0);
    await writeFile(rules, text.replace('expr: up == 0', 'expr: up == == 0'));
    expect((await outcome('promtool', ['check', 'rules', rules])).code).not.toBe(0);
  });
});
