/**
 * @module lab/lab_client
 *
 * The printer's LAB COPY as an OAuth client (issue 16): the same protocol code as the real printer
 * (oauth/authorization_request.ts, oauth/token_endpoint.ts), with the one defense the learner switched off left
 * out. It is registered at the auth server as `photo-printer-lab` (confidential) and `photo-printer-lab-public`
 * (public), never as `photo-printer`: the real printer keeps every defense.
 */
import { randomBytes } from 'node:crypto';
import { CODE_CHALLENGE_METHOD, calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import type { LabRegistration } from '../config.js';
import type { DriveClient } from '../drive_client.js';
import type { AuthServerMetadata } from '../oauth/metadata.js';
import {
  type TokenEndpointDeps,
  type TokenError,
  type TokenSet,
  parseTokenResponse,
  postAuthenticated,
  postForm,
  readTokenError,
  responseBody,
} from '../oauth/token_endpoint.js';
import type { LabPending } from './state.js';
import type { ScenarioId } from './scenarios.js';

/** Step 2 for a lab copy: `state` always (scenario 2 turns off PKCE only), PKCE only when `pkce` is on. */
export function buildLabAuthorizationRequest(
  metadata: Pick<AuthServerMetadata, 'authorization_endpoint'>,
  lab: LabRegistration,
  scenario: ScenarioId,
  options: { publicClient: boolean; pkce: boolean; defenseOn: boolean; scope?: string },
): { url: string; pending: LabPending } {
  const url = new URL(metadata.authorization_endpoint);
  const params = url.searchParams;
  const state = randomBytes(32).toString('base64url');
  params.set('response_type', 'code');
  params.set('client_id', options.publicClient ? lab.publicClientId : lab.clientId);
  params.set('redirect_uri', lab.redirectUri);
  params.set('scope', options.scope ?? lab.scope);
  params.set('state', state);
  const pending: LabPending = { scenario, state, defenseOn: options.defenseOn, createdAt: Date.now() };
  if (options.pkce) {
    pending.code_verifier = generateCodeVerifier();
    params.set('code_challenge', calculateCodeChallenge(pending.code_verifier)); // RFC 7636 §4.2
    params.set('code_challenge_method', CODE_CHALLENGE_METHOD);
  }
  return { url: url.href, pending };
}

type Deps = Pick<TokenEndpointDeps, 'http' | 'metadata' | 'authInternalUrl'>;

/** A token request of the lab copy: the confidential one with HTTP Basic, the public one naming itself. */
async function labTokenRequest(
  deps: Deps,
  lab: LabRegistration,
  endpoint: string,
  form: URLSearchParams,
  publicClient: boolean,
) {
  if (publicClient) {
    form.set('client_id', lab.publicClientId); // a public client only names itself (RFC 6749 §2.3)
    return postForm(deps, endpoint, form);
  }
  const client = {
    clientId: lab.clientId,
    clientSecret: lab.clientSecret,
    redirectUri: lab.redirectUri,
    scope: lab.scope,
  };
  return postAuthenticated({ ...deps, client }, endpoint, form);
}

/** Steps 5-6 for the public lab copy, keeping the tokens (scenario 7 needs its refresh token). */
export async function exchangeLabCodeForTokens(
  deps: Deps,
  lab: LabRegistration,
  code: string,
  code_verifier: string | undefined,
): Promise<{ ok: true; tokens: TokenSet } | { ok: false; error: TokenError }> {
  const metadata = await deps.metadata.get();
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: lab.redirectUri });
  if (code_verifier) form.set('code_verifier', code_verifier);
  const response = await labTokenRequest(deps, lab, metadata.token_endpoint, form, true);
  if (response.status !== 200) return { ok: false, error: readTokenError(response) };
  return { ok: true, tokens: parseTokenResponse(responseBody(response), lab.scope, 'authorization_code') };
}

/**
 * RFC 6749 §6 for the public lab copy, at the real token endpoint (which rotates, RFC 9700 §4.14.2) or at the
 * auth server's lab copy that does not (`/lab/no-rotation/token`).
 */
export async function refreshLab(
  deps: Deps,
  lab: LabRegistration,
  refresh_token: string,
  rotation: boolean,
): Promise<{ ok: true; tokens: TokenSet } | { ok: false; error: TokenError }> {
  const metadata = await deps.metadata.get();
  const endpoint = rotation ? metadata.token_endpoint : `${metadata.issuer}/lab/no-rotation/token`;
  const response = await labTokenRequest(
    deps,
    lab,
    endpoint,
    new URLSearchParams({ grant_type: 'refresh_token', refresh_token }),
    true,
  );
  if (response.status !== 200) return { ok: false, error: readTokenError(response) };
  return { ok: true, tokens: parseTokenResponse(responseBody(response), lab.scope, 'refresh_token') };
}

export type LabExchange =
  | { ok: true; owner: string; titles: string[]; scope: string }
  | { ok: false; error: TokenError };

/**
 * Steps 5-8 for a lab copy: the code at the token endpoint (as the confidential or the public copy, with the
 * code_verifier when there is one), then Drive's photo list with the token, which is not kept.
 */
export async function redeemLabCode(
  deps: Deps,
  drive: DriveClient,
  lab: LabRegistration,
  code: string,
  options: { publicClient: boolean; code_verifier?: string },
): Promise<LabExchange> {
  const metadata = await deps.metadata.get();
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: lab.redirectUri });
  if (options.code_verifier) form.set('code_verifier', options.code_verifier);
  const response = await labTokenRequest(deps, lab, metadata.token_endpoint, form, options.publicClient);
  if (response.status !== 200) return { ok: false, error: readTokenError(response) };
  const tokens = parseTokenResponse(responseBody(response), lab.scope, 'authorization_code');
  const list = await drive.listPhotos(tokens.access_token);
  return { ok: true, owner: list.owner, titles: list.photos.map((p) => p.title), scope: tokens.scope };
}
