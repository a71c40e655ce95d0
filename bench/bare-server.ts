import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/**
 * The baseline of the metrics path: a bare node:http server answering every request with the same bytes as
 * the endpoint's answer, precomputed: its body and, given `HEADERS_FILE` (bare-answer.ts), its headers too, in
 * the order and with the values the server sent them (`X-Request-ID` and `X-Rate-Limit` as they were in that
 * one answer). Sending a header is Node's work as much as reading one: Apple's answer carries two that a
 * content type and a length alone do not, and Node checks each header's name and value with a regular
 * expression and writes it into the head of the answer (BENCHMARKS.md, "The same bytes, headers included").
 * `node bare-server.js PORT BODY_FILE [HEADERS_FILE]`.
 */
const [port, file, headersFile] = process.argv.slice(2);
if (port === undefined || file === undefined)
  throw new Error('usage: bare-server PORT BODY_FILE [HEADERS_FILE]');
const body = readFileSync(file);
/** Name, value, name, value..., as `writeHead` takes them, the length last. */
const head = [
  ...(headersFile === undefined
    ? ['content-type', 'application/json']
    : (JSON.parse(readFileSync(headersFile, 'utf8')) as string[])),
  'content-length',
  String(body.length),
];
const healthy = Buffer.from('{"status":"ok"}');
createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': healthy.length });
    response.end(healthy);
    return;
  }
  response.writeHead(200, head);
  response.end(body);
}).listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
