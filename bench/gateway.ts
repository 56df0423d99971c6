/**
 * What the wire costs: `search_read` of 80 res.partner rows through XML-RPC and JSON-RPC over
 * HTTP (gateway in its own process, keep-alive connections), beside the ORM engine called
 * in-process in the same run, and the same engine behind bare node:http (the floor any HTTP
 * front end pays on this machine). The wire layer should cost under 30% of throughput.
 * Run: npx tsx bench/gateway.ts [--seconds N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Pool } from 'undici';
import { createFullOrmEngine } from '../odoo-bridge/orm/write/full-engine.ts';
import { serializeMethodCall } from '../odoo-bridge/wire/xmlrpc/index.ts';
import { PARTNER_CALL } from './support/partner-call.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { cpuMsOfProcessesNamed, cpuProbe, processCpuMs } from './support/cpu-time.ts';
import { measure, printTable, round, secondsArgument } from './support/measure.ts';

const seconds = secondsArgument(10);
const CONCURRENCY = 8;
const PORT = 18169;
const FLOOR_PORT = 18170;

const bench = await startBenchCluster();
const servers: ChildProcess[] = [];
const startServer = async (script: string, port: number) => {
  const child = spawn(process.execPath, [...(process.env.GATEWAY_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', path.join(import.meta.dirname, 'support', script), bench.cluster.url('legacy'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return child;
};
try {
  const gateway = await startServer('gateway-process.ts', PORT);
  const floorServer = await startServer('bare-http-engine-process.ts', FLOOR_PORT);
  const http = new Pool(`http://127.0.0.1:${PORT}`, { connections: CONCURRENCY, pipelining: 1 });
  const floorHttp = new Pool(`http://127.0.0.1:${FLOOR_PORT}`, { connections: CONCURRENCY, pipelining: 1 });

  const engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: bench.legacyPool } });
  const inProcess = () => engine.call({ database: 'hp_legacy', uid: 2, ...PARTNER_CALL, args: [...PARTNER_CALL.args], kwargs: { ...PARTNER_CALL.kwargs } });

  const executeKw = ['hp_legacy', 2, 'admin', PARTNER_CALL.model, PARTNER_CALL.method, PARTNER_CALL.args, PARTNER_CALL.kwargs];
  const jsonBody = JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'object', method: 'execute_kw', args: executeKw } });
  const xmlBody = serializeMethodCall('execute_kw', executeKw);
  const post = async (pathName: string, body: string, contentType: string, mustContain: string, to = http) => {
    const { statusCode, body: answer } = await to.request({ path: pathName, method: 'POST', body, headers: { 'content-type': contentType } });
    const text = await answer.text();
    if (statusCode !== 200 || !text.includes(mustContain) || text.includes('"error"') || text.includes('<fault>')) throw new Error(`bad answer: ${text.slice(0, 300)}`);
  };
  const jsonRpc = () => post('/jsonrpc', jsonBody, 'application/json', '"result"');
  const xmlRpc = () => post('/xmlrpc/2/object', xmlBody, 'text/xml', '<methodResponse>');
  const bareJson = () => post('/jsonrpc', jsonBody, 'application/json', '"result"', floorHttp);

  // Where the two cores go per call: this process (the in-process engine, or the HTTP client),
  // the gateway process, PostgreSQL.
  const parties = { bench: () => processCpuMs(process.pid), gateway: () => processCpuMs(gateway.pid!), floor: () => processCpuMs(floorServer.pid!), postgres: () => cpuMsOfProcessesNamed('postgres') };
  const cpu = { engine: {} as Record<string, number>, floor: {} as Record<string, number>, json: {} as Record<string, number>, xml: {} as Record<string, number> };
  const engineFigures = await measure(inProcess, { seconds, concurrency: CONCURRENCY, onMeasured: cpuProbe(parties, cpu.engine) });
  const floorFigures = await measure(bareJson, { seconds, concurrency: CONCURRENCY, onMeasured: cpuProbe(parties, cpu.floor) });
  const jsonFigures = await measure(jsonRpc, { seconds, concurrency: CONCURRENCY, onMeasured: cpuProbe(parties, cpu.json) });
  const xmlFigures = await measure(xmlRpc, { seconds, concurrency: CONCURRENCY, onMeasured: cpuProbe(parties, cpu.xml) });
  const cpuNote = (c: Record<string, number>) =>
    Object.entries(c)
      .filter(([, ms]) => ms > 0)
      .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
      .join(', ');
  const cost = (perSecond: number) => round(100 * (1 - perSecond / engineFigures.perSecond));
  printTable(`search_read of 80 res.partner rows, ${CONCURRENCY} concurrent callers, ${seconds} s each`, [
    { name: 'ORM engine in-process (baseline)', figures: engineFigures, note: `CPU ms/call: ${cpuNote(cpu.engine)}` },
    { name: 'same engine, bare node:http (floor)', figures: floorFigures, note: `HTTP alone costs ${cost(floorFigures.perSecond)}%; CPU ms/call: ${cpuNote(cpu.floor)}` },
    { name: 'JSON-RPC /jsonrpc over HTTP', figures: jsonFigures, note: `wire costs ${cost(jsonFigures.perSecond)}% of throughput; CPU ms/call: ${cpuNote(cpu.json)}` },
    { name: 'XML-RPC /xmlrpc/2/object over HTTP', figures: xmlFigures, note: `wire costs ${cost(xmlFigures.perSecond)}% of throughput; CPU ms/call: ${cpuNote(cpu.xml)}` },
  ]);
  console.log(
    JSON.stringify({
      bench: 'gateway',
      in_process_per_s: round(engineFigures.perSecond, 0),
      bare_http_floor_per_s: round(floorFigures.perSecond, 0),
      bare_http_floor_cost_pct: cost(floorFigures.perSecond),
      jsonrpc_per_s: round(jsonFigures.perSecond, 0),
      jsonrpc_p50_ms: round(jsonFigures.p50Ms, 2),
      jsonrpc_p99_ms: round(jsonFigures.p99Ms, 2),
      xmlrpc_per_s: round(xmlFigures.perSecond, 0),
      xmlrpc_p50_ms: round(xmlFigures.p50Ms, 2),
      xmlrpc_p99_ms: round(xmlFigures.p99Ms, 2),
      jsonrpc_wire_cost_pct: cost(jsonFigures.perSecond),
      xmlrpc_wire_cost_pct: cost(xmlFigures.perSecond),
    }),
  );
  await http.close();
  await floorHttp.close();
} finally {
  for (const server of servers) server.kill('SIGTERM');
  await bench.stop();
}
