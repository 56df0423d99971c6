/**
 * A stand-in upstream Odoo answering every POST from memory with one fixed body (the real answer
 * of the benchmarked call, taken once from the engine), after reading the request in full: what a
 * proxied call then costs is the proxy's own, not an Odoo's.
 * Usage: node memory-odoo-process.ts PORT ANSWER_FILE ; prints "ready" when listening.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, answerFile] = process.argv.slice(2) as [string, string];
const answer = readFileSync(answerFile);
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length };
createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(answer);
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));
