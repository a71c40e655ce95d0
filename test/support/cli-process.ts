import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI: `npm test` builds it first. */
export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one CLI command to completion. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  return new Promise<CliResult>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>`, or `https://` when it serves TLS */
  readonly baseUrl: string;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts `serve` on a free port (port 0) and resolves once it says where it listens; `env` added to ours. */
export function startServer(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env !== undefined && { env: { ...process.env, ...options.env } }),
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time\n${stdout}\n${stderr}`));
    }, 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1] !== undefined && (!args.includes('--demo') || stdout.includes('curl -s'))) {
        clearTimeout(timer);
        resolve({
          child,
          baseUrl: match[1],
          output: () => stdout,
          exited,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening\n${stdout}\n${stderr}`));
    });
  });
}
