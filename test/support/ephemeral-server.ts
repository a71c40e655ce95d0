import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { signToken } from '../../src/wire-common/sign-token.js';
import { CLI } from './cli-process.js';

/** What `serve --ephemeral --print-config json` prints first: its address and an ADMIN key with TESTING. */
export interface EphemeralConfig {
  readonly baseUrl: string;
  readonly issuerId: string;
  readonly keyId: string;
  readonly privateKey: string;
}

export interface EphemeralServer {
  readonly config: EphemeralConfig;
  /** A token of the printed key, valid for 20 minutes. */
  token(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `node dist/main.js serve --ephemeral --print-config json` on a free port, with `env` added. */
export async function startEphemeralServer(env: Record<string, string> = {}): Promise<EphemeralServer> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--ephemeral',
      '--print-config',
      'json',
      '--listen',
      '127.0.0.1:0',
      '--log-level',
      'silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing its config`)));
    });
    const config = JSON.parse(firstLine) as EphemeralConfig;
    const token = () =>
      signToken({
        privateKeyPem: config.privateKey,
        keyId: config.keyId,
        issuerId: config.issuerId,
        now: new Date(),
      });
    return { config, token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
