/**
 * beta-metrics/client: a typed client of the App Store Connect API's beta tester metrics, for Apple's service
 * (https://api.appstoreconnect.apple.com) and beta-metrics servers alike. For Node >= 20.
 */
export {
  AscApiError,
  type AscApiErrorDetails,
  type AscErrorItem,
  NETWORK_ERROR,
  UNEXPECTED_RESPONSE,
} from './asc-api-error.js';
export { APPLE_BASE_URL, createClient } from './create-client.js';
export { parseRateLimit, type RateBudget } from './rate-pacer.js';
export type {
  AscClient,
  BetaTesterRow,
  BetaTestersOptions,
  BetaTesterUsage,
  BetaTesterUsagesOptions,
  ClientOptions,
  ClientWait,
  PageProgress,
  Period,
} from './types.js';
