import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { expect, it } from 'vitest';
import { closeIdleSockets } from '../../http/connection-limits.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

/**
 * The idle timeout's sweep (http/connection-limits.ts) watches the sockets an HTTPS server accepts too: a
 * client that completes the handshake and then sends nothing is closed, as over plain HTTP.
 */
it('closes a TLS connection that sends nothing after its handshake', async () => {
  const pair = createSelfSignedCertificate({
    hosts: ['127.0.0.1'],
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
  });
  const server = createServer({ cert: pair.certPem, key: pair.keyPem }, (_request, response) =>
    response.end(),
  );
  closeIdleSockets(server, 300);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = connect({
      port: (server.address() as AddressInfo).port,
      host: '127.0.0.1',
      ca: pair.certPem,
      servername: '127.0.0.1',
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', () => {});
    await new Promise((resolve) => client.once('secureConnect', resolve));
    expect(client.authorized).toBe(true);

    await closed;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
