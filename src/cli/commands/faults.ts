import { type Command, Option } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { ExitCodeError } from '../exit-code-error.js';
import { formatTable } from '../output.js';
import { EXIT_USAGE } from '../client-options.js';
import {
  DEFAULT_FAULTS_BASE_URL,
  type FaultsServer,
  type FaultsServerFlags,
  faultsServer,
} from './faults-server.js';

interface AddFlags extends FaultsServerFlags {
  status?: string;
  latency?: string;
  cutBody?: boolean;
  staleCursor?: boolean;
  operation?: string;
  matchKeyId?: string;
  method?: string;
  path?: string;
  nth?: string;
  probability?: string;
  seed?: string;
  forSeconds?: string;
  times?: string;
  json?: boolean;
}

/** A rule as the server lists it (http/faults/fault-rules.ts). */
interface RuleView {
  id: string;
  fault: { status?: number; latencyMs?: number; cutBody?: boolean; staleCursor?: boolean };
  match: { operation?: string; keyId?: string; method?: string; path?: string };
  when: { nth?: number; probability?: number; seed?: number; forSeconds?: number; times?: number };
  expiresAt: string | null;
  matched: number;
  fired: number;
  active: boolean;
}

/**
 * `faults add | list | delete | clear`: the fault rules of a running server started with `--allow-faults`
 * (README, "Faults on demand"), over HTTP with an ADMIN key that has TESTING. Needs no store: it is a client.
 */
export function faultsCommand(program: Command, deps: CliDeps): void {
  const faults = program
    .command('faults')
    .description('add, list and clear the fault rules of a server run with --allow-faults');

  const add = serverOptions(faults.command('add'))
    .description('add a fault rule: which requests to fault, and how')
    .option('--status <code>', 'answer this status: 400, 401, 403, 404, 409, 429, 500 or 503')
    .option('--latency <ms>', 'answer this many milliseconds late')
    .option('--cut-body', 'send the headers and half the body, then close the connection')
    .option('--stale-cursor', "refuse the request's cursor as no longer valid (requests with a cursor only)")
    .option('--operation <operationId>', 'only this operation, e.g. apps_betaTesterUsages_getMetrics')
    .option('--match-key-id <keyId>', 'only requests made with this key')
    .option('--method <method>', 'only this HTTP method')
    .option('--path <path>', 'only this exact path, e.g. /v1/apps/6447306070')
    .option('--nth <n>', 'only the nth matching request (1 is the first)')
    .option('--probability <p>', 'each matching request with this probability, 0 < p <= 1')
    .option('--seed <n>', 'with --probability: the seed of the draws (the same seed, the same sequence)')
    .option('--for-seconds <n>', 'only for this many seconds from now')
    .option('--times <n>', 'at most this many times')
    .option('--json', 'print the rule as JSON');
  add.action(async (flags: AddFlags) => {
    const server = await faultsServer(flags);
    const answer = (await server.send('POST', '', ruleOf(flags))) as { data: RuleView };
    if (flags.json) deps.out.json(answer.data);
    else deps.out.line(`Added fault rule ${answer.data.id}: ${describe(answer.data)}.`);
  });

  const list = serverOptions(faults.command('list'))
    .description('list the fault rules, with how often each matched and fired')
    .option('--json', 'print the rules as JSON');
  list.action(async (flags: FaultsServerFlags & { json?: boolean }) => {
    const server = await faultsServer(flags);
    const rules = ((await server.send('GET')) as { data: RuleView[] }).data;
    if (flags.json) {
      deps.out.json(rules);
      return;
    }
    if (rules.length === 0) {
      deps.out.line(`No fault rules on ${server.baseUrl}; add one with 'beta-metrics faults add'.`);
      return;
    }
    deps.out.line(
      formatTable(
        ['ID', 'FAULT', 'MATCH', 'WHEN', 'MATCHED', 'FIRED', 'ACTIVE'],
        rules.map((rule) => [
          rule.id,
          faultText(rule.fault),
          matchText(rule.match),
          whenText(rule),
          String(rule.matched),
          String(rule.fired),
          rule.active ? 'yes' : 'no',
        ]),
      ),
    );
  });

  const remove = serverOptions(faults.command('delete <id>')).description('delete one fault rule');
  remove.action(async (id: string, flags: FaultsServerFlags) => {
    const server = await faultsServer(flags);
    await server.send('DELETE', `/${encodeURIComponent(id)}`);
    deps.out.line(`Deleted fault rule ${id}.`);
  });

  const clear = serverOptions(faults.command('clear')).description('delete every fault rule');
  clear.action(async (flags: FaultsServerFlags) => {
    const server: FaultsServer = await faultsServer(flags);
    await server.send('DELETE');
    deps.out.line(`Cleared the fault rules of ${server.baseUrl}.`);
  });
}

/** The server and key options every `faults` command takes, as `usage` has them. */
function serverOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--base-url <url>', 'the server')
        .env('BETA_METRICS_BASE_URL')
        .default(DEFAULT_FAULTS_BASE_URL),
    )
    .addOption(new Option('--key-file <file>', 'the AuthKey_<KEYID>.p8 file').env('ASC_PRIVATE_KEY_PATH'))
    .addOption(new Option('--key-id <keyId>', 'the Key ID (an ADMIN key with TESTING)').env('ASC_KEY_ID'))
    .addOption(
      new Option('--issuer-id <issuerId>', 'the Issuer ID (team keys; omit for an individual key)').env(
        'ASC_ISSUER_ID',
      ),
    );
}

/** The rule's JSON; the server checks the values and says what is wrong with each. */
function ruleOf(flags: AddFlags) {
  const fault = {
    ...(flags.status !== undefined && { status: numberOf('--status', flags.status) }),
    ...(flags.latency !== undefined && { latencyMs: numberOf('--latency', flags.latency) }),
    ...(flags.cutBody === true && { cutBody: true }),
    ...(flags.staleCursor === true && { staleCursor: true }),
  };
  if (Object.keys(fault).length === 0)
    throw new ExitCodeError(
      EXIT_USAGE,
      'say what goes wrong: --status, --latency, --cut-body or --stale-cursor',
    );
  const match = {
    ...(flags.operation !== undefined && { operation: flags.operation }),
    ...(flags.matchKeyId !== undefined && { keyId: flags.matchKeyId }),
    ...(flags.method !== undefined && { method: flags.method }),
    ...(flags.path !== undefined && { path: flags.path }),
  };
  const when = {
    ...(flags.nth !== undefined && { nth: numberOf('--nth', flags.nth) }),
    ...(flags.probability !== undefined && { probability: numberOf('--probability', flags.probability) }),
    ...(flags.seed !== undefined && { seed: numberOf('--seed', flags.seed) }),
    ...(flags.forSeconds !== undefined && { forSeconds: numberOf('--for-seconds', flags.forSeconds) }),
    ...(flags.times !== undefined && { times: numberOf('--times', flags.times) }),
  };
  return { fault, match, when };
}

function numberOf(option: string, text: string): number {
  if (!/^\d{1,10}(\.\d{1,10})?$/.test(text.trim()))
    throw new ExitCodeError(EXIT_USAGE, `'${text}' is not a number for ${option}`);
  return Number(text);
}

function describe(rule: RuleView): string {
  return `${faultText(rule.fault)} on ${matchText(rule.match)}, ${whenText(rule)}`;
}

/** In the header's grammar (`status=429; latency=1500; cut-body`). */
function faultText(fault: RuleView['fault']): string {
  return [
    fault.status !== undefined && `status=${fault.status}`,
    fault.latencyMs !== undefined && `latency=${fault.latencyMs}`,
    fault.cutBody === true && 'cut-body',
    fault.staleCursor === true && 'stale-cursor',
  ]
    .filter((part) => part !== false)
    .join('; ');
}

function matchText(match: RuleView['match']): string {
  const parts = [
    match.operation,
    match.method,
    match.path,
    match.keyId !== undefined && `key ${match.keyId}`,
  ].filter((part): part is string => typeof part === 'string');
  return parts.length === 0 ? 'every request' : parts.join(' ');
}

function whenText(rule: RuleView): string {
  const { nth, probability, seed, times } = rule.when;
  const parts = [
    nth !== undefined && `request ${nth} only`,
    probability !== undefined && `probability ${probability} (seed ${seed})`,
    times !== undefined && `at most ${times} times`,
    rule.expiresAt !== null && `until ${rule.expiresAt}`,
  ].filter((part): part is string => typeof part === 'string');
  return parts.length === 0 ? 'always' : parts.join(', ');
}
