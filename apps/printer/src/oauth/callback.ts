/**
 * @module oauth/callback
 *
 * Step 4 arrives here: the auth server sends the browser back to the redirect_uri with either
 * `?code=…&state=…&iss=…` (RFC 6749 §4.1.2, RFC 9207 §2) or `?error=…&state=…&iss=…` (RFC 6749 §4.1.2.1).
 *
 * The order of the checks is the point of this file. Nothing reaches the token endpoint unless:
 *   1. `state` is one this browser session sent, byte for byte, and it is used up now (RFC 6749 §10.12);
 *   2. `iss` names the auth server the request went to (RFC 9207 §2.4: defeats mix-up attacks, RFC 9700 §4.4);
 * only then is an `error` believed, and only then is the `code` exchanged (steps 5-6).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { type ParamSource, optionalParam, requiredParam } from '@oauth-demo/tokens';
import { AuthorizationFailed, AuthServerBusy, CallbackRejected } from '../errors.js';
import { PENDING_AUTHORIZATION_TTL_MS, type PendingAuthorization } from './authorization_request.js';
import type { AuthServerMetadata } from './metadata.js';
import { type TokenEndpointDeps, type TokenSet, exchangeAuthorizationCode } from './token_endpoint.js';

export type CallbackResult =
  | { outcome: 'denied'; description: string | undefined }
  | { outcome: 'tokens'; tokens: TokenSet }
  /** The auth server was too busy to look at the code (503 + Retry-After): it is still unused, try again then. */
  | { outcome: 'busy'; retryAfterS: number; code: string; code_verifier: string };

/** What the checks of the callback leave: a refusal, or a code to exchange with this session's verifier. */
export type CheckedCallback =
  | { outcome: 'denied'; description: string | undefined }
  | { outcome: 'code'; code: string; code_verifier: string };

const consumedStates = new Map<string, number>();

/** RFC 6749 §4.1.2.1: error and error_description use %x20-21 / %x23-5B / %x5D-7E only. */
const ERROR_VALUE = /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/;

export async function handleCallback(
  req: Request,
  metadata: AuthServerMetadata,
  deps: TokenEndpointDeps,
): Promise<CallbackResult> {
  const checked = checkCallback(req, req.query as ParamSource, metadata);
  if (checked.outcome === 'denied') return checked;
  // 4. The code, exchanged with the verifier that only this session knows (steps 5-6, RFC 7636 §4.5).
  try {
    const tokens = await exchangeAuthorizationCode(deps, checked.code, checked.code_verifier);
    return { outcome: 'tokens', tokens };
  } catch (err) {
    if (!(err instanceof AuthServerBusy)) throw err;
    return { outcome: 'busy', retryAfterS: err.retryAfterS, code: checked.code, code_verifier: checked.code_verifier };
  }
}

/**
 * Checks 1-3 (state, iss, error) on the answer's parameters; `query` is the callback's query, or in step-through
 * mode the same query kept in the session while the learner read about it. Uses the pending request up.
 */
export function checkCallback(req: Request, query: ParamSource, metadata: AuthServerMetadata): CheckedCallback {
  // 1. state (RFC 6749 §4.1.2: "REQUIRED if the state parameter was present in the authorization request").
  const state = optionalParam(query, 'state');
  if (state === undefined) {
    throw new CallbackRejected(
      'The answer has no state parameter.',
      'Photo Printer sent a random state with its request and accepts only an answer that carries it back (RFC 6749 §4.1.2, §10.12).',
    );
  }
  const pending = takePending(req, state);
  if (!pending) {
    const typed = req.session.builderForeignState;
    if (typed && typed.state === state && Date.now() - typed.createdAt < PENDING_AUTHORIZATION_TTL_MS) {
      delete req.session.builderForeignState;
      throw new CallbackRejected(
        'The state parameter is the one you typed into the request builder, not one Photo Printer made.',
        'Photo Printer accepts an answer only with a state it generated and kept for this browser, byte for byte: it has no code_verifier for any other, and an answer to a request it did not make could be an attacker’s (CSRF, RFC 6749 §10.12, RFC 9700 §4.7). The auth server’s answer was not even read.',
        true,
      );
    }
    throw new CallbackRejected(
      'The state parameter does not match any request this browser started (or it was already used).',
      'An answer is accepted once, and only in the browser that sent the request: otherwise an attacker could make your browser finish a flow they started, and your prints would come from their Drive (CSRF, RFC 6749 §10.12, RFC 9700 §4.7).',
    );
  }
  // The photos page says what was asked: the request builder's own scope, or Photo Printer's.
  if (pending.builder) req.session.builderRequestedScope = pending.requestedScope ?? '';
  else delete req.session.builderRequestedScope;
  if (Date.now() - pending.createdAt > PENDING_AUTHORIZATION_TTL_MS) {
    throw new CallbackRejected(
      'The answer came back too late: this request expired.',
      'Requests are valid for 10 minutes.',
    );
  }

  // 2. iss (RFC 9207 §2.4): the answer must come from the auth server the request was sent to.
  const iss = optionalParam(query, 'iss');
  if (iss === undefined) {
    if (metadata.authorization_response_iss_parameter_supported) {
      throw new CallbackRejected(
        'The answer has no iss parameter, although the auth server says it always sends one.',
        'RFC 9207 §2.4: when the metadata has authorization_response_iss_parameter_supported, an answer without iss is rejected.',
      );
    }
  } else if (iss !== metadata.issuer) {
    throw new CallbackRejected(
      `The answer says it comes from "${iss}", but the request went to "${metadata.issuer}".`,
      'RFC 9207 §2.4: the iss parameter must be identical to the issuer of the auth server the request was sent to. A different one means a mix-up attack: a code from one server sent to another (RFC 9700 §4.4).',
    );
  }

  // 3. error (RFC 6749 §4.1.2.1), now that we know the answer is ours and from our issuer.
  const error = optionalParam(query, 'error');
  if (error !== undefined) {
    const rawDescription = optionalParam(query, 'error_description');
    const description =
      rawDescription !== undefined && ERROR_VALUE.test(rawDescription) ? rawDescription.slice(0, 300) : undefined;
    if (error === 'access_denied') return { outcome: 'denied', description };
    throw new AuthorizationFailed(
      ERROR_VALUE.test(error) ? error.slice(0, 64) : 'invalid error value',
      description,
      pending.builder === true,
    );
  }

  return { outcome: 'code', code: requiredParam(query, 'code'), code_verifier: pending.code_verifier };
}

/**
 * Find the pending request with exactly this state and remove it from the session, so a second answer with the
 * same state (a replay) finds nothing. Compared in constant time over the bytes; a mismatch leaves the other
 * pending requests alone, so a forged callback cannot cancel the user's real one.
 */
function takePending(req: Request, state: string): PendingAuthorization | undefined {
  // Two copies of one answer arriving at the same instant both read the session before either saves it; this
  // process-wide set makes "used once" hold for them too.
  const now = Date.now();
  for (const [k, until] of consumedStates) if (until < now) consumedStates.delete(k);
  if (consumedStates.has(state)) return undefined;
  const list = req.session.pendingAuthorizations ?? [];
  const sent = Buffer.from(state, 'utf8');
  const index = list.findIndex((p) => {
    const expected = Buffer.from(p.state, 'utf8');
    return expected.length === sent.length && timingSafeEqual(expected, sent);
  });
  if (index === -1) return undefined;
  const [pending] = list.splice(index, 1);
  consumedStates.set(state, now + PENDING_AUTHORIZATION_TTL_MS);
  req.session.pendingAuthorizations = list;
  return pending;
}
