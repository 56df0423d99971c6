/**
 * The floor under any HTTP front end on this machine: the same ORM engine behind bare node:http,
 * answering the benchmark's JSON-RPC body with JSON.stringify of the result. No authentication,
 * routing, Odoo envelope rules, metrics or express. What the gateway costs above this row is its
 * own; what this row costs below the in-process engine is HTTP on loopback itself.
 * Usage: node --import tsx bare-http-engine-process.ts PG_URL PORT ; prints "ready" when listening.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { createFullOrmEngine } from '../../odoo-bridge/orm/write/full-engine.ts';

const [legacyUrl, port] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: legacyUrl, max: 16 });
const engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool } });

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
