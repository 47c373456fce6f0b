/**
 * @module context
 *
 * Everything the routes share, built once in createApp().
 */
import type { SigningKey } from '@oauth-demo/tokens';
import type { Recorder } from '@oauth-demo/teaching';
import type { AuthorizationRequest } from './authorize/authorization_request.js';
import type { ClientRepository } from './clients.js';
import type { AuthConfig } from './config.js';
import type { Issuer } from './issuance.js';
import type { AuthStore } from './store/index.js';
import type { FailureThrottle } from './throttle.js';
import type { TokenLookup } from './token_lookup.js';
import type { UserRepository } from './users.js';

export interface AuthContext {
  config: AuthConfig;
  /** Every statement on grants, codes, tokens, device codes and keys (store/). */
  store: AuthStore;
  key: SigningKey;
  clients: ClientRepository;
  users: UserRepository;
  issuer: Issuer;
  loginThrottle: FailureThrottle;
  tokens: TokenLookup;
  /** What this server saw, for the printer's timeline (@oauth-demo/teaching, recorder.ts). */
  recorder: Recorder;
}

/** What a grant may need to know of the token request beyond its parameters (routes/token.ts). */
export interface TokenRequestOrigin {
  /** The end user's address, as far as we can trust it (routes/token.ts endUserAddress): the password grant's throttle. */
  endUserAddress: string | undefined;
}

/** A validated authorization request waiting for the user to sign in and decide. */
export interface PendingAuthorization extends AuthorizationRequest {
  createdAt: number;
  /** The user signed in during this request (what `prompt=login` asks for, even when already signed in). */
  signedInHere?: boolean;
}

declare module 'express-session' {
  interface SessionData {
    /** The signed-in resource owner. */
    userId?: string;
    /** Pending authorization requests by interaction id: consent is bound to its own request. */
    pending?: Record<string, PendingAuthorization>;
    /** The device flow user code this browser is approving (RFC 8628 §3.3). */
    deviceUserCode?: string;
  }
}
