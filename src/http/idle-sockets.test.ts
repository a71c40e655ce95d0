import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeIdleSockets, idleSweepIntervalMs } from './connection-limits.js';

/**
 * The idle timeout's sweep (connection-limits.ts, `closeIdleSockets`) on a bare node:http server, over real
 * sockets. No duration is asserted: a test waits for a close, or checks that a socket whose bytes kept moving
 * for several idle timeouts is still open.
 */

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

const IDLE_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server that answers `/big` with `bytes` bytes and anything else with `ok`, its idle timeout swept. */
async function listening(bytes = 0, idleMs = IDLE_MS): Promise<number> {
  const server = createServer((request, response) => {
    response.end(request.url === '/big' ? Buffer.alloc(bytes, 'x') : 'ok');
  });
  // Node's own keep-alive timeout would close a kept-alive socket first; here only the sweep may.
  server.keepAliveTimeout = 60_000;
  closeIdleSockets(server, idleMs);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function connected(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, closed, received: () => received };
}

describe('closeIdleSockets', () => {
  it('sweeps every second, or four times in the idle timeout when that is shorter', () => {
    expect(idleSweepIntervalMs(60_000)).toBe(1000);
    expect(idleSweepIntervalMs(400)).toBe(100);
    expect(idleSweepIntervalMs(1)).toBe(10);
  });

  it('closes a socket that never sends a byte', async () => {
    const client = await connected(await listening());

    await client.closed;
    expect(client.received()).toBe(0);
  });

  it('keeps a socket whose requests come more often than the idle timeout, and closes it once they stop', async () => {
    // A longer timeout, so that a stall of this process on a loaded machine cannot pass for idleness.
    const idleMs = 1500;
    const client = await connected(await listening(0, idleMs));
    let open = true;
    void client.closed.then(() => {
      open = false;
    });
    // Two idle timeouts of requests, one every fifteenth of one.
    for (let request = 0; request < 30; request++) {
      client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await sleep(idleMs / 15);
    }
    expect(open).toBe(true);
    expect(client.received()).toBeGreaterThan(0);

    await client.closed;
  });

  it('closes a socket whose client stopped reading a long answer', async () => {
    // Far more than the kernel's socket buffers hold: the server's write stalls, and no byte moves.
    const port = await listening(64 * 1024 * 1024);
    const serverSide = new Promise<Socket>((resolve) => servers[0]?.once('connection', resolve));
    const client = await connected(port);
    const closedOnTheServer = new Promise<boolean>((resolve) =>
      serverSide.then((socket) => socket.once('close', () => resolve(socket.destroyed))),
    );
    client.socket.pause();
    client.socket.write('GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n');

    // A paused client sees no close; the server's end of the socket is destroyed.
    expect(await closedOnTheServer).toBe(true);
    expect(client.received()).toBeLessThan(64 * 1024 * 1024);
  });
});
