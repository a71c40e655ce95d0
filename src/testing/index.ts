/**
 * `beta-metrics/testing`: a stand-in for Apple's App Store Connect API that a test suite starts in one line.
 * See the README, "Testing with a stand-in".
 */
export {
  type ControlClient,
  ControlError,
  type FaultRule,
  type JournalEntry,
  type JournalFilter,
} from './control-client.js';
export { type StandIn, type StandInKey, type StandInOptions, startStandIn } from './start-stand-in.js';
