import { performance } from 'node:perf_hooks';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pino } from 'pino';
import { DEMO_REPORT_TIME } from '../services/demo/demo-fixture.js';
import { InputError } from '../services/input-error.js';
import { inMemoryRateLimiter, sharedRateLimiter } from '../services/rate-limiter.js';
import { requestJournal } from '../services/request-journal.js';
import { signToken } from '../services/token-signer.js';
import { createApp } from './create-app.js';
import { keepHeapLean, type StoreKind } from './heap-policy.js';
import { scheduleMaintenance } from './maintenance.js';
import { dashboardLoginUrl } from '../services/dashboard-sessions.js';
import { baseUrlFromHostHeader, fixedBaseUrl, type PublicBaseUrl } from '../http/links.js';
import { redactedUrl, type StoreLocation } from '../storage/open-store.js';
import type { Services } from '../services/services.js';
import { openRuntime } from './compose.js';
import type { ServeConsole, ServeOptions } from '../cli/cli-deps.js';
import { type DemoKey, ensureDemoKey } from './demo-key.js';
import type { ServerTls } from './tls/server-tls.js';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/**
 * The composition root's second half: store -> services -> app -> listen. Resolves when the server has shut
 * down after SIGTERM or SIGINT, having finished the requests in flight.
 */
export async function serve(options: ServeOptions, out: ServeConsole): Promise<void> {
  if (options.ephemeral !== true) return serveStore(options, out);
  // A stand-in for a test suite: its own store, gone when it stops.
  const dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-ephemeral-'));
  try {
    await serveStore({ ...options, store: { dataDir }, dataDir, allowFaults: true }, out);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function serveStore(options: ServeOptions, out: ServeConsole): Promise<void> {
  const startedAt = performance.now();
  const logger = pino({
    level: options.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  });
  // Before the store opens: a certificate that cannot serve is the operator's to fix, said at once.
  const https = await httpsOf(options);
  const tls = https?.tls;
  // The demo's data describes a year ending 2023-10-05; without --now, its report date is that day.
  const reportTime = options.reportTime ?? (options.demo ? DEMO_REPORT_TIME : undefined);
  const runtime = await openRuntime({
    store: options.store,
    ingestion: options.ingestion,
    ...(reportTime !== undefined && { reportTime }),
    beforeServices: options.demo
      ? async (store) => {
          // The demo's generator (four modules) loads only for a demo start.
          const { loadDemoData } = await import('../services/demo/load-demo.js');
          const result = await loadDemoData(
            store,
            (done, total) => out.progress(`Loading demo data: ${done}/${total} events`),
            options.demoTesters === undefined ? {} : { secondAppTesters: options.demoTesters },
          );
          if (result.loaded) {
            out.info(
              `Loaded the demo: ${result.apps} apps, ${result.testers} testers, ${result.events} events.`,
            );
          }
        }
      : undefined,
  });
  const demoKey = options.demo ? await ensureDemoKey(runtime.services, options.dataDir) : undefined;

  let baseUrl: PublicBaseUrl =
    options.publicUrl === undefined ? baseUrlFromHostHeader : fixedBaseUrl(options.publicUrl);
  const storeKind: StoreKind = 'databaseUrl' in options.store ? 'postgres' : 'sqlite';
  // Several nodes share a PostgreSQL database and so must share the budget; one embedded store is one node.
  const rateLimiter =
    options.rateLimit === 0
      ? undefined
      : storeKind === 'postgres'
        ? sharedRateLimiter(runtime.store, options.rateLimit, runtime.clock)
        : inMemoryRateLimiter(options.rateLimit, runtime.clock);
  const app = createApp({
    services: runtime.services,
    ...(rateLimiter !== undefined && { rateLimiter }),
    baseUrl: (request) => baseUrl(request),
    logger,
    connectionLimits: options.connectionLimits,
    journal: requestJournal(options.journal),
    ...(tls !== undefined && { tls: tls.pair }),
    ...(options.allowFaults && {
      faults: { maxLatencyMs: options.faultMaxLatencyMs, clock: runtime.clock },
    }),
  });
  // Listen for signals before listening on the port: a signal that arrives as soon as the server is up
  // (a supervisor's quick restart) must drain it, not kill it.
  const shutdownSignal = waitForShutdownSignal(logger);
  try {
    await app.listen({ host: options.listen.host, port: options.listen.port });
  } catch (error) {
    await runtime.close();
    const code = (error as { code?: string }).code;
    const where = `${options.listen.host}:${options.listen.port}`;
    if (code === 'EADDRINUSE') {
      throw new InputError(
        `${where} is already in use; stop the other server or choose another --listen HOST:PORT`,
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND') {
      throw new InputError(`cannot listen on ${where} (${code}); choose another --listen HOST:PORT`);
    }
    throw error;
  }
  // Not before: the old generation's flag would cost a full collection while the modules load (heap-policy.ts).
  keepHeapLean('listening', { store: storeKind });
  const address = app.server.address() as AddressInfo;
  const scheme = tls === undefined ? 'http' : 'https';
  const listening = `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  if (options.publicUrl === undefined && !WILDCARD_HOSTS.has(options.listen.host))
    baseUrl = fixedBaseUrl(listening);
  const shownBase =
    options.publicUrl ??
    (WILDCARD_HOSTS.has(options.listen.host) ? `${scheme}://localhost:${address.port}` : listening);

  out.info(
    `beta-metrics is listening on ${listening} (${storeDescription(options.store)}; ready in ${Math.round(performance.now() - startedAt)} ms)`,
  );
  if (https !== undefined) for (const line of https.banner(new Date())) out.info(line);
  if (reportTime !== undefined) {
    const why = options.reportTime === undefined ? "the demo's; pass --now to change it" : '--now';
    out.info(`Report date fixed at ${reportTime.toISOString()} (${why}).`);
  }
  out.info(`Dashboard: ${shownBase}/dashboard (sign in with a link from: ${thisCommand()} dashboard-link)`);
  if (options.allowFaults)
    out.info(
      `Test controls are on (--allow-faults): keys with TESTING may ask for faults (rules at ${shownBase}/_beta-metrics/faults) and save and restore snapshots (${shownBase}/_beta-metrics/snapshots). Never on a server with data to keep.`,
    );
  const cacert = https?.tls.selfSigned === undefined ? undefined : https.shellWord(https.tls.certFile);
  if (demoKey !== undefined) out.info(await demoBanner(demoKey, shownBase, cacert));
  if (options.ephemeral === true) await announceEphemeralKey(runtime.services, shownBase, options, out);
  if (options.demo) {
    const link = await runtime.services.dashboardSessions.createLoginLink();
    out.info(
      `Sign in to the dashboard (this link works once, for 15 minutes): ${dashboardLoginUrl(shownBase, link.token)}`,
    );
  }

  const stopMaintenance = scheduleMaintenance(runtime.services.ingestion, rateLimiter, logger);
  await shutdownSignal;
  await stopMaintenance();
  await drain(app.server, () => app.close(), logger);
  await runtime.close();
  logger.info('stopped');
}

/**
 * `--ephemeral`: an ADMIN key with TESTING for the suite that started the server, as one JSON line a tool
 * reads (`--print-config json`), or as lines for a person. The private key is shown once, like Apple's.
 */
async function announceEphemeralKey(
  services: Services,
  baseUrl: string,
  options: ServeOptions,
  out: ServeConsole,
): Promise<void> {
  const key = await services.apiKeys.create({ name: 'ephemeral', role: 'ADMIN', testing: true });
  const config = {
    baseUrl,
    issuerId: key.issuerId ?? '',
    keyId: key.keyId,
    privateKey: key.privateKeyPem,
  };
  if (options.printConfig === 'json') out.config(config);
  else
    out.info(
      `Ephemeral store with faults on demand. ADMIN key with TESTING: Key ID ${config.keyId}, Issuer ID ${config.issuerId}\n${config.privateKey}`,
    );
}

/** How long requests in flight may take to finish after a shutdown signal before their connections are cut. */
const DRAIN_DEADLINE_MS = 30_000;

/**
 * Stops accepting connections and waits for the requests in flight. A keep-alive connection would otherwise
 * stay open after its last response until the client hangs up, so connections are closed as soon as they
 * fall idle; a request still unfinished at the deadline has its connection cut.
 */
async function drain(server: Server, close: () => Promise<void>, logger: { warn(msg: string): void }) {
  const closing = close();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => {
    logger.warn(`requests still in flight after ${DRAIN_DEADLINE_MS / 1000} s; closing their connections`);
    server.closeAllConnections();
  }, DRAIN_DEADLINE_MS);
  try {
    await closing;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}

/**
 * HTTPS as the options ask for it (main/tls/), with the lines that tell the operator about it; undefined for
 * HTTP. Its modules (certificate checks, the self-signed certificate's DER encoder) load only when it is asked
 * for: an HTTP start does not wait for them.
 */
async function httpsOf(
  options: ServeOptions,
): Promise<
  { tls: ServerTls; banner: (now: Date) => string[]; shellWord: (text: string) => string } | undefined
> {
  if (options.tls === undefined) return undefined;
  const { serverTlsOf, shellWord, tlsBanner } = await import('./tls/server-tls.js');
  const tls = await serverTlsOf(options);
  return tls === undefined ? undefined : { tls, banner: (now) => tlsBanner(tls, now), shellWord };
}

/** `cacert`: a self-signed certificate curl must be told to trust, as a shell word. */
async function demoBanner(key: DemoKey, base: string, cacert: string | undefined): Promise<string> {
  const token = await signToken({
    privateKeyPem: key.privateKeyPem,
    keyId: key.keyId,
    issuerId: key.issuerId,
    now: new Date(),
  });
  const keyFile = relative(process.cwd(), key.keyFile) || key.keyFile;
  const url = `${base}/v1/apps/6447306070/metrics/betaTesterUsages?period=P365D&limit=5&groupBy=betaTesters`;
  return [
    '',
    `Demo ADMIN key: ${keyFile} (Key ID ${key.keyId}, Issuer ID ${key.issuerId})`,
    "The page's first example (this token is valid for 20 minutes):",
    '',
    `curl -s${cacert === undefined ? '' : ` --cacert ${cacert}`} -H 'Authorization: Bearer ${token}' '${url}'`,
    '',
    `A fresh token: ${thisCommand()} token --key-file ${keyFile} --key-id ${key.keyId} --issuer-id ${key.issuerId}`,
    '',
  ].join('\n');
}

function storeDescription(store: StoreLocation): string {
  return 'databaseUrl' in store ? `database: ${redactedUrl(store.databaseUrl)}` : `data: ${store.dataDir}`;
}

/** How this program was started, so hints can be pasted as they are (`node dist/main.js` in a checkout). */
function thisCommand(): string {
  const script = process.argv[1];
  if (script === undefined || /[\\/]beta-metrics$/.test(script)) return 'beta-metrics';
  const shown = relative(process.cwd(), script);
  return `node ${shown.startsWith('..') ? script : shown}`;
}

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once. */
function waitForShutdownSignal(logger: { info(obj: object, msg: string): void }): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down: finishing the requests in flight');
      process.once('SIGTERM', () => process.exit(1));
      process.once('SIGINT', () => process.exit(1));
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
