/**
 * The floor under any HTTP front end on this machine: the same ORM engine behind bare node:http,
 * answering a JSON-RPC `execute_kw` body with JSON.stringify of the result. No authentication,
 * routing, Odoo envelope rules, metrics or express. What the gateway costs above this row is its
 * own; what this row costs below the in-process engine is HTTP on loopback itself.
 * Usage: node --import tsx floor-http-engine-process.ts PG_URL DATABASE_NAME PORT ; prints "ready" when listening.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { createFullOrmEngine } from '../../odoo-bridge/orm/write/full-engine.ts';

const [databaseUrl, databaseName, port] = process.argv.slice(2) as [string, string, string];
const pool = new pg.Pool({ connectionString: databaseUrl, max: 20, idleTimeoutMillis: 0 });
pool.on('error', () => undefined); // the benchmark's cluster stops under it at the end
const engine = createFullOrmEngine({ database: { name: databaseName, pool } });

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { id, params } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; params: { args: unknown[] } };
    const [database, uid, , model, method, args, kwargs] = params.args as [string, number, string, string, string, unknown[], Record<string, unknown>];
    engine
      .call({ database, uid, model, method, args, kwargs })
      .then((result) => ({ jsonrpc: '2.0', id, result }), (error: Error) => ({ jsonrpc: '2.0', id, error: { message: error.message } }))
      .then((answer) => {
        const body = Buffer.from(JSON.stringify(answer));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      });
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));
