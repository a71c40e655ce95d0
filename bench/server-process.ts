import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { send } from './http-client.js';

/** A server started as its own process, as an operator runs it. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** From spawning the process to the first 200 of GET /healthz. */
  readonly readyMs: number;
  /** Peak resident memory so far (VmHWM), MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `node <script> <args...>` listening on a free port passed as `--listen` (or PORT for others). */
export async function startProcess(
  script: string,
  args: (port: number) => string[],
  readyPath = '/healthz',
): Promise<ServerProcess> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [script, ...args(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const readyMs = await waitReady(child, `${url}${readyPath}`, started, () => stderr);
  const pid = child.pid ?? 0;
  return {
    url,
    pid,
    readyMs,
    peakRssMb: () => statusField(pid, 'VmHWM') / 1024,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitReady(child: ChildProcess, url: string, started: number, stderr: () => string) {
  const deadline = started + 60_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${stderr()}`);
    try {
      const answer = await send('GET', url);
      if (answer.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not answer ${url} within 60 s: ${stderr()}`);
}

/** A `kB` field of /proc/<pid>/status. */
function statusField(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match === null ? Number.NaN : Number(match[1]);
}
