import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/**
 * The baseline of the metrics path: a bare node:http server answering every request with a precomputed
 * Buffer, the same bytes as the endpoint's answer. `node bare-server.js PORT BODY_FILE`.
 */
const [port, file] = process.argv.slice(2);
if (port === undefined || file === undefined) throw new Error('usage: bare-server PORT BODY_FILE');
const body = readFileSync(file);
const healthy = Buffer.from('{"status":"ok"}');
createServer((request, response) => {
  const payload = request.url === '/healthz' ? healthy : body;
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
  response.end(payload);
}).listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
