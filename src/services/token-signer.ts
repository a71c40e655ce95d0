import {
  MAX_TOKEN_LIFETIME_SECONDS,
  signToken as signWireToken,
  TOKEN_AUDIENCE,
  type TokenRequest,
  TokenSigningError,
} from '../wire-common/sign-token.js';
import { InputError } from './input-error.js';

// The signing itself lives in wire-common so beta-metrics/client signs alike without importing server code.
export { MAX_TOKEN_LIFETIME_SECONDS, TOKEN_AUDIENCE, type TokenRequest };

/** Signs an ES256 token as Apple's clients do; a request that cannot be signed is the operator's InputError. */
export async function signToken(request: TokenRequest): Promise<string> {
  try {
    return await signWireToken(request);
  } catch (error) {
    if (error instanceof TokenSigningError) throw new InputError(error.message);
    throw error;
  }
}
