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
import { type TokenEndpointDeps, type TokenError, parseTokenResponse, postAuthenticated, postForm, readTokenError } from '../oauth/token_endpoint.js';
import type { LabPending } from './state.js';
import type { ScenarioId } from './scenarios.js';

/** Step 2 for a lab copy: `state` always (scenario 2 turns off PKCE only), PKCE only when `pkce` is on. */
export function buildLabAuthorizationRequest(
  metadata: Pick<AuthServerMetadata, 'authorization_endpoint'>,
  lab: LabRegistration,
  scenario: ScenarioId,
  options: { publicClient: boolean; pkce: boolean; defenseOn: boolean },
): { url: string; pending: LabPending } {
  const url = new URL(metadata.authorization_endpoint);
  const params = url.searchParams;
  const state = randomBytes(32).toString('base64url');
  params.set('response_type', 'code');
  params.set('client_id', options.publicClient ? lab.publicClientId : lab.clientId);
  params.set('redirect_uri', lab.redirectUri);
  params.set('scope', lab.scope);
  params.set('state', state);
  const pending: LabPending = { scenario, state, defenseOn: options.defenseOn, createdAt: Date.now() };
  if (options.pkce) {
    pending.code_verifier = generateCodeVerifier();
    params.set('code_challenge', calculateCodeChallenge(pending.code_verifier)); // RFC 7636 §4.2
    params.set('code_challenge_method', CODE_CHALLENGE_METHOD);
  }
  return { url: url.href, pending };
}

export type LabExchange = { ok: true; owner: string; titles: string[]; scope: string } | { ok: false; error: TokenError };

/**
 * Steps 5-8 for a lab copy: the code at the token endpoint (as the confidential or the public copy, with the
 * code_verifier when there is one), then Drive's photo list with the token, which is not kept.
 */
export async function redeemLabCode(
  deps: Pick<TokenEndpointDeps, 'http' | 'metadata' | 'authInternalUrl'>,
  drive: DriveClient,
  lab: LabRegistration,
  code: string,
  options: { publicClient: boolean; code_verifier?: string },
): Promise<LabExchange> {
  const metadata = await deps.metadata.get();
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: lab.redirectUri });
  if (options.code_verifier) form.set('code_verifier', options.code_verifier);
  let response;
  if (options.publicClient) {
    form.set('client_id', lab.publicClientId); // a public client only names itself (RFC 6749 §2.3)
    response = await postForm(deps, metadata.token_endpoint, form);
  } else {
    const client = { clientId: lab.clientId, clientSecret: lab.clientSecret, redirectUri: lab.redirectUri, scope: lab.scope };
    response = await postAuthenticated({ ...deps, client }, metadata.token_endpoint, form);
  }
  if (response.status !== 200) return { ok: false, error: readTokenError(response) };
  const tokens = parseTokenResponse(typeof response.data === 'object' && response.data ? (response.data as Record<string, unknown>) : {}, lab.scope, 'authorization_code');
  const list = await drive.listPhotos(tokens.access_token);
  return { ok: true, owner: list.owner, titles: list.photos.map((p) => p.title), scope: tokens.scope };
}
