import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * An OpenSearch node for the tests that need one (search/distributed/opensearch.sh).
 *
 * In CI, .ci/run starts one node before the tests (while npm installs, so its start costs no
 * wall time) and passes its URL as FICUS_TEST_OPENSEARCH_URL: every test file shares it, each
 * on indices of its own. Run by hand without that variable, the first test of a file that needs
 * one starts a private node (30-60 s on a loaded machine) and the last release stops it. Without
 * Java (and no URL) there is none: openSearchAvailable() says so and the OpenSearch cases are left out.
 */
export const OPENSEARCH_SH = path.resolve(import.meta.dirname, '../../search/distributed/opensearch.sh');
export const TEST_OPENSEARCH_URL_VARIABLE = 'FICUS_TEST_OPENSEARCH_URL';

export function openSearchAvailable(): boolean {
  if (process.env[TEST_OPENSEARCH_URL_VARIABLE]) return true;
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface PrivateNode {
  url: string;
  stop(): Promise<void>;
}

let node: Promise<PrivateNode> | undefined;
let holders = 0;

/** The URL of a running node; pair every call with releaseOpenSearch(). */
export async function acquireOpenSearch(): Promise<string> {
  holders += 1;
  const shared = process.env[TEST_OPENSEARCH_URL_VARIABLE];
  if (shared) return shared;
  node ??= startPrivateNode();
  try {
    return (await node).url;
  } catch (error) {
    node = undefined;
    holders -= 1;
    throw error;
  }
}

export async function releaseOpenSearch(): Promise<void> {
  holders = Math.max(0, holders - 1);
  if (holders > 0 || !node) return;
  const started = node;
  node = undefined;
  await (await started.catch(() => undefined))?.stop();
}

function runScript(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [OPENSEARCH_SH, ...args], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`opensearch.sh ${args.join(' ')} failed: ${error.message}\n${stderr.slice(-4000)}`));
      else resolve(stdout);
    });
  });
}

/** Starts a node of this test process in a state dir of its own (removed on stop). */
export async function startPrivateNode(): Promise<PrivateNode> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'ficus-opensearch-'));
  const env = { ...process.env, FICUS_OPENSEARCH_STATE: stateDir };
  const stop = async () => {
    await runScript(['stop'], env).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    await runScript(['start'], env);
  } catch (error) {
    await stop();
    throw error;
  }
  const port = (await readFile(path.join(stateDir, 'http.port'), 'utf8')).trim();
  return { url: `http://127.0.0.1:${port}`, stop };
}
