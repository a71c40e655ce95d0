import { type Command, Option } from 'commander';
import type { TlsSource } from '../cli-deps.js';
import { ExitCodeError } from '../exit-code-error.js';

/** 2, as for every command line the CLI cannot use (run.ts); the files themselves are checked at start. */
const EXIT_USAGE = 2;

export interface TlsFlags {
  readonly tls?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** `--tls self-signed`, or `--tls-cert FILE --tls-key FILE`: `serve` speaks HTTPS. */
export function tlsOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--tls <mode>',
        'serve HTTPS with a self-signed certificate for localhost, kept under the data directory',
      )
        .choices(['self-signed'])
        .env('BETA_METRICS_TLS'),
    )
    .addOption(
      new Option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (then any intermediates)').env(
        'BETA_METRICS_TLS_CERT',
      ),
    )
    .addOption(
      new Option('--tls-key <file>', "with --tls-cert: the certificate's PEM private key").env(
        'BETA_METRICS_TLS_KEY',
      ),
    );
}

/** Where the certificate comes from, or undefined for plain HTTP. An empty environment variable counts as unset. */
export function tlsSource(flags: TlsFlags): TlsSource | undefined {
  const certFile = flags.tlsCert || undefined;
  const keyFile = flags.tlsKey || undefined;
  const files = certFile !== undefined || keyFile !== undefined;
  if (flags.tls === 'self-signed' && files) {
    throw new ExitCodeError(
      EXIT_USAGE,
      '--tls self-signed makes its own certificate; leave out --tls-cert and --tls-key, or --tls',
    );
  }
  if (flags.tls === 'self-signed') return { kind: 'self-signed' };
  if (!files) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new ExitCodeError(
      EXIT_USAGE,
      `--tls-cert and --tls-key go together; give ${certFile === undefined ? '--tls-cert (the certificate)' : '--tls-key (its private key)'} too, or neither`,
    );
  }
  return { kind: 'files', certFile, keyFile };
}
