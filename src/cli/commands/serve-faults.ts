import { Option } from 'commander';
import { InputError } from '../../services/input-error.js';
import { parseTimeoutMs } from '../option-parsers.js';

/** The longest latency a fault may add unless `--fault-max-latency` says otherwise. */
export const DEFAULT_FAULT_MAX_LATENCY_MS = 60_000;
const ALLOW_FAULTS_ENV = 'BETA_METRICS_ALLOW_FAULTS';

export interface ServeFaultFlags {
  allowFaults?: boolean;
  faultMaxLatency: string;
}

/**
 * `serve --allow-faults` and `--fault-max-latency`: faults on demand for test suites (README, "Faults on
 * demand"). The environment variable is read here, not by commander, which would take any value of it
 * (`0` included) for yes: a switch that makes a server answer errors on demand must not turn on by mistake.
 */
export function serveFaultOptions(): Option[] {
  return [
    new Option(
      '--allow-faults',
      `honour faults on demand (X-Beta-Metrics-Fault, /_beta-metrics/faults) for keys with TESTING; env ${ALLOW_FAULTS_ENV}=1`,
    ),
    new Option('--fault-max-latency <ms>', 'with --allow-faults: the longest latency a fault may add')
      .env('BETA_METRICS_FAULT_MAX_LATENCY')
      .default(String(DEFAULT_FAULT_MAX_LATENCY_MS)),
  ];
}

/** What the flags (and BETA_METRICS_ALLOW_FAULTS) ask for. */
export function serveFaultSettings(
  flags: ServeFaultFlags,
  env: NodeJS.ProcessEnv = process.env,
): { allowFaults: boolean; faultMaxLatencyMs: number } {
  return {
    allowFaults: flags.allowFaults === true || envSwitch(env[ALLOW_FAULTS_ENV]),
    faultMaxLatencyMs: parseTimeoutMs('--fault-max-latency', flags.faultMaxLatency),
  };
}

function envSwitch(value: string | undefined): boolean {
  const text = (value ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(text)) return false;
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  throw new InputError(`${ALLOW_FAULTS_ENV}='${value}' is not a switch; set it to 1 (on) or 0 (off)`);
}
