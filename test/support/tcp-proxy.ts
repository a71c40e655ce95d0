import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between a server and its database, to take the database away and bring it back without touching
 * the database itself (which other tests share).
 */
export interface TcpProxy {
  /** The port it listens on; the same after `restore()`. */
  readonly port: number;
  /** Connections open through it now (each a client and an upstream socket). */
  openConnections(): number;
  /** Stops accepting (new connections are refused) and destroys every open connection. */
  cut(): Promise<void>;
  /**
   * Keeps every connection open but passes nothing more either way, and new connections too: a database
   * that stopped answering without closing anything (a network partition, a hung server).
   */
  stall(): void;
  /** Accepts and forwards again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free port of 127.0.0.1 that forwards every connection to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const clients = new Set<Socket>();
  let stalled = false;
  const forward = (client: Socket) => {
    if (stalled) {
      open.add(client);
      client.on('close', () => open.delete(client));
      client.on('error', () => client.destroy());
      return;
    }
    const upstream = connect(target.port, target.host);
    clients.add(client);
    client.on('close', () => clients.delete(client));
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      // Either side failing ends both: the other side sees its connection end, as with a real outage.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  };
  const listen = async (port: number): Promise<Server> => {
    const server = createServer(forward);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return server;
  };

  let server: Server | undefined = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const cut = async () => {
    const stopping = server;
    server = undefined;
    if (stopping === undefined) return;
    const closed = new Promise<void>((resolve) => stopping.close(() => resolve()));
    for (const socket of open) socket.destroy();
    await closed;
  };
  return {
    port,
    openConnections: () => clients.size,
    cut: async () => {
      stalled = false;
      await cut();
    },
    stall() {
      stalled = true;
      for (const socket of open) {
        socket.unpipe();
        socket.pause();
      }
    },
    async restore() {
      if (server === undefined) server = await listen(port);
    },
    close: cut,
  };
}

/** `url` (a PostgreSQL URL, its query kept) with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: TcpProxy): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString();
}

/** Where a PostgreSQL URL points: the proxy's target. */
export function databaseAddress(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port === '' ? 5432 : Number(parsed.port) };
}
